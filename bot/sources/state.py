"""What a result source has fetched: per (competition, day, event) a content hash, and which days
are settled. Any source that fetches a competition day by day keeps it here (World Athletics today).

The store implements `SourceState` (SQLite in production); `InMemoryFetchState` serves tests.
A source only READS state while polling. It hands its updates back with its batch (`DayMark`s),
and the caller records them after storing the rows, or with them (WriteTx.mark_fetched): so an
interrupted sync never marks as fetched what was not stored.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.sources.health import HealthStore


@dataclass(frozen=True)
class FetchKey:
    competition_id: int
    day: int
    event_id: int


@dataclass(frozen=True)
class DayMark:
    """The outcome of fetching one competition day.

    digests: event id -> content hash for every event seen that day (merged into what is stored).
    settled: the competition is over and the day will not be fetched again.
    """
    competition_id: int
    day: int
    digests: dict[int, str] = field(default_factory=dict)
    settled: bool = False


class FetchState(Protocol):
    async def digests(self, competition_id: int, day: int) -> dict[int, str]:
        """Event id -> last recorded content hash for that competition day (empty if never)."""
        ...

    async def is_settled(self, competition_id: int, day: int) -> bool:
        ...

    async def record(self, marks: Sequence[DayMark]) -> None:
        """Merge each mark's digests into the day's, and set settled when the mark says so."""
        ...


class SourceState(FetchState, HealthStore, Protocol):
    """The store's role for result sources: what they fetched, and how they are doing."""


class InMemoryFetchState:
    def __init__(self) -> None:
        self._digests: dict[tuple[int, int], dict[int, str]] = {}
        self._settled: set[tuple[int, int]] = set()

    async def digests(self, competition_id: int, day: int) -> dict[int, str]:
        return dict(self._digests.get((competition_id, day), {}))

    async def is_settled(self, competition_id: int, day: int) -> bool:
        return (competition_id, day) in self._settled

    async def record(self, marks: Sequence[DayMark]) -> None:
        for mark in marks:
            key = (mark.competition_id, mark.day)
            self._digests.setdefault(key, {}).update(mark.digests)
            if mark.settled:
                self._settled.add(key)
