"""A finished meeting replayed as if it were happening now, race by race on an accelerated clock.

For the embedded default: with no tokens and no network, `racebot run` replays a bundled
Diamond League meeting into a store of its own (never the real one), so a newcomer sees
announcements arrive in the console within a minute. The archive has no start times, so the
programme puts the Diamond League events first (field, then track) and the national, youth and
promotional races after them, so the headline events arrive within the first minute.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain.disciplines import discipline_or_custom
from bot.ingest.rows import ResultRow


@dataclass
class ReplayBatch:
    rows: list[ResultRow] = field(default_factory=list)
    races: int = 0
    next_poll: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return True


def programme(rows: list[ResultRow]) -> list[list[ResultRow]]:
    """The meeting's races in replay order, each with all its rows."""
    races: OrderedDict[tuple[Any, ...], list[ResultRow]] = OrderedDict()
    for row in sorted(rows, key=lambda r: r.line):
        races.setdefault((row.date, row.event, row.gender, row.round, row.race, row.race_label), []).append(row)

    def slot(key: tuple[Any, ...]) -> tuple[int, int]:
        side = 1 if key[5] else 0  # national, promotional and youth races: labelled, after the main events
        track = 0 if discipline_or_custom(key[1]).is_field else 1
        return (key[0].toordinal(), side * 2 + track)

    return [races[k] for k in sorted(races, key=slot)]  # sorted() is stable: archive order within a slot


class ReplaySource:
    """Race i becomes final `first_after + i * interval` seconds after the first poll.

    The first poll only starts the clock: it is the baseline, and nothing is final yet.
    """

    def __init__(self, rows: list[ResultRow], *, name: str = "replay", first_after_seconds: float = 3.0,
                 interval_seconds: float = 8.0) -> None:
        self.name = name
        self.races = programme(rows)
        self.first_after = timedelta(seconds=first_after_seconds)
        self.interval = timedelta(seconds=interval_seconds)
        self.start: datetime | None = None
        self.released = 0  # races stored (advanced by commit, after the store has them)

    @property
    def finished(self) -> bool:
        return self.released >= len(self.races)

    def due_at(self, index: int) -> datetime:
        assert self.start is not None
        return self.start + self.first_after + index * self.interval

    async def poll(self, now: datetime) -> ReplayBatch:
        if self.start is None:
            self.start = now
            return ReplayBatch(next_poll=self.due_at(0) if self.races else None)
        upto = self.released
        while upto < len(self.races) and self.due_at(upto) <= now:
            upto += 1
        rows = [r for race in self.races[self.released:upto] for r in race]
        nxt = self.due_at(upto) if upto < len(self.races) else now + timedelta(hours=1)  # over: idle
        return ReplayBatch(rows, upto - self.released, nxt)

    async def commit(self, batch: ReplayBatch) -> None:
        self.released += batch.races

    async def failed(self, batch: ReplayBatch, error: str) -> None:
        """Nothing to undo: the races not released come again with the next poll."""
