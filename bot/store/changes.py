"""The store's change feed (role `Changes`): a sequence of changed races and added athletes.

Every unit of work that changes results adds its entries in its own transaction; bot.change_feed
reads them to keep a running bot's indexes current.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the store's change feed: a race whose results changed, or an athlete added."""

    seq: int  # increasing; everything up to it has been seen by whoever read it
    kind: str  # "race" or "athlete"
    race_id: int | None
    athlete_id: int | None


class Changes(Protocol):
    async def change_head(self) -> int: ...
    async def changes_since(self, seq: int, limit: int) -> list[Change]: ...

    def data_version(self) -> int:
        """A number that changes when anyone commits to the store: a cheap "look again" signal."""
        ...
