"""Test doubles for the scheduler suite: a clock that moves when told, a publisher that records
what a platform would receive (and fails on demand), and a source that hands out given batches.

The publisher keeps the Publisher contract like the real adapters: the same key never posts twice.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from bot.ingest.rows import ResultRow
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.replies import Reply

T0 = datetime(2024, 5, 30, 19, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Concurrent sleepers share time: two tasks sleeping 1 s from 0 both wake at 1, not 2."""
        self.slept.append(seconds)
        target = self.now + timedelta(seconds=seconds)
        await asyncio.sleep(0)
        self.now = max(self.now, target)


@dataclass
class Posted:
    channel: ChannelRef
    key: str
    reply: Reply
    at: datetime


class FakePublisher:
    """Records posts; `script[channel]` holds outcomes to answer before posting normally."""

    def __init__(self, platform: str, clock=None) -> None:
        self.platform = platform
        self.clock = clock
        self.posted: list[Posted] = []
        self.calls: list[str] = []  # every key asked, repeats included
        self.script: dict[ChannelRef, deque] = defaultdict(deque)
        self.raise_after_post: set[str] = set()  # keys: post, then raise (the answer is lost)
        self.doubts: list[tuple[str, datetime]] = []  # (key, in_doubt_since) of sends told to look first

    def fail(self, channel: ChannelRef, *outcomes: Delivery) -> None:
        self.script[channel].extend(outcomes)

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.posted]

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        self.calls.append(key)
        if in_doubt_since is not None:
            self.doubts.append((key, in_doubt_since))
        if self.script[channel]:
            return self.script[channel].popleft()
        if key not in self.keys:
            self.posted.append(Posted(channel, key, reply, self.clock() if self.clock else datetime.now(timezone.utc)))
            if key in self.raise_after_post:
                self.raise_after_post.discard(key)
                raise ConnectionResetError("connection lost after the post")
        return Delivery(Outcome.DELIVERED, message_id=f"m{len(self.posted)}")


@dataclass
class GivenBatch:
    rows: list[ResultRow]
    next_poll: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors


class ListSource:
    """poll() hands out the next given batch (an empty one when there are none left)."""

    def __init__(self, *batches: list[ResultRow], name: str = "test") -> None:
        self.name = name
        self.batches = deque(GivenBatch(list(b)) for b in batches)
        self.committed = 0
        self.failures: list[str] = []

    def add(self, rows: list[ResultRow], errors: list[str] | None = None) -> None:
        self.batches.append(GivenBatch(list(rows), errors=errors or []))

    async def poll(self, now: datetime) -> GivenBatch:
        return self.batches.popleft() if self.batches else GivenBatch([])

    async def commit(self, batch: GivenBatch) -> None:
        self.committed += 1

    async def failed(self, batch: GivenBatch, error: str) -> None:
        self.failures.append(error)


def race_rows(event: str, gender: str, results: list[tuple], *, competition: str = "Bislett Games",
              venue: str = "Oslo", series: str = "Diamond League", day: date = date(2024, 5, 30),
              round: str = "final") -> list[ResultRow]:
    """results: (place or None, athlete, country, mark) in finishing order."""
    return [ResultRow(date=day, competition=competition, venue=venue, series=series, event=event, gender=gender,
                      round=round, race=1, place=place, athlete=name, country=country, mark=mark, line=i)
            for i, (place, name, country, mark) in enumerate(results, start=1)]


MEN_1500 = [(1, "Jakob Ingebrigtsen", "NOR", "3:29.74"), (2, "Josh Kerr", "GBR", "3:30.10"),
            (3, "Timothy Cheruiyot", "KEN", "3:31.00"), (4, "Abel Kipsang", "KEN", "3:31.50"),
            (5, "Narve Gilje Nordås", "NOR", "3:32.00")]
WOMEN_5000 = [(1, "Beatrice Chebet", "KEN", "14:09.52"), (2, "Ejgayehu Taye", "ETH", "14:10.10"),
              (3, "Margaret Kipkemboi", "KEN", "14:12.00")]
