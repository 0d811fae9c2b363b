"""The store's own housekeeping: closing it, its key-value notes, and the replay defence."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Lifecycle(Protocol):
    async def close(self) -> None: ...


class Meta(Protocol):
    """Small notes about the store itself (which bundled data it holds)."""

    async def get_meta(self, key: str) -> str | None: ...
    async def set_meta(self, key: str, value: str) -> None: ...


class SeenRequests(Protocol):
    """Signed requests already accepted, shared by every process on the store (replay defence)."""

    async def first_sighting(self, key: str, now: datetime, until: datetime) -> bool:
        """True the first time `key` is offered before `until`, False for a repeat."""
        ...
