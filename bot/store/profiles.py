"""The athletes' ids in other sources' schemes, for what a card links to (role `Profiles`)."""
from __future__ import annotations

from typing import Protocol


class Profiles(Protocol):
    async def source_ids(self, athlete_ids: list[int], scheme: str) -> dict[int, str]:
        """Each athlete's id in `scheme` ('wa': World Athletics) where a source gave one; of
        athletes merged from several, the lowest."""
        ...
