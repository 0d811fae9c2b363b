"""Data for the ops tests, written through the real poll path: subscriptions, results and their
outbox rows, on whichever backend the store is."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from bot.ingest.rows import ResultRow


def race(event: str, athletes: int) -> list[ResultRow]:
    return [ResultRow(date=date(2024, 5, 30), competition="Bislett Games", venue="Oslo", series="",
                      event=event, gender="M", round="final", race=1, place=i, athlete=f"Runner {event} {i}",
                      country="NOR", mark=f"{3 + i // 60}:{i % 60:02d}.00", line=i)
            for i in range(1, athletes + 1)]


class Races:
    """A source whose first poll is the baseline and whose second finds the given races final."""

    name = "ops-test"

    def __init__(self, rows: list[ResultRow]) -> None:
        self.rows, self.polls = rows, 0

    async def poll(self, now):
        self.polls += 1
        return SimpleNamespace(rows=self.rows if self.polls > 1 else [], next_poll=None, complete=True, errors=[])

    async def commit(self, batch) -> None:
        pass

    async def failed(self, batch, error) -> None:
        pass


async def pending_rows(store, channels: int, rows: list[ResultRow]) -> None:
    """`channels` subscriptions, each given a pending announcement of every race in `rows`."""
    now = datetime.now(timezone.utc)
    for i in range(channels):
        await store.add_subscription(Subscription(ChannelRef("slack", "T1", f"C{i}"), created_at=now))
    poller = Poller(Races(rows), store)
    await poller.poll_once(now)
    await poller.poll_once(now)
