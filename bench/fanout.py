"""Announcement fan-out throughput: one race to N channels through the real store and Deliverer,
into a fake publisher with a round-trip latency, with and without a platform rate limit.

    python bench/fanout.py --channels 500 --limit 40 --latency-ms 50
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.announcements import Announcer  # noqa: E402
from bot.delivery import Deliverer, DeliverySettings  # noqa: E402
from bot.ingest.rows import ResultRow  # noqa: E402
from bot.jobs import utc_now  # noqa: E402
from bot.polling import Poller  # noqa: E402
from bot.publishing import ChannelRef, Delivery, Outcome  # noqa: E402
from bot.ratelimit import RateLimits  # noqa: E402
from bot.subscriptions import Subscription  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402


class Batch:
    def __init__(self, rows):
        self.rows, self.next_poll = rows, None


class OneRace:
    name = "bench"

    def __init__(self) -> None:
        self.calls = 0

    async def poll(self, now):
        self.calls += 1
        if self.calls == 1:
            return Batch([])
        results = [("Jakob Ingebrigtsen", "3:29.74"), ("Josh Kerr", "3:30.10"), ("Timothy Cheruiyot", "3:31.00")]
        return Batch([ResultRow(date=date(2024, 5, 30), competition="Bislett Games", venue="Oslo", event="1500m",
                                gender="M", athlete=a, mark=m, place=i, race=1, line=i)
                      for i, (a, m) in enumerate(results, start=1)])


class Platform:
    platform = "discord"

    def __init__(self, latency: float) -> None:
        self.latency, self.stamps = latency, []

    async def send(self, channel, reply, key):
        await asyncio.sleep(self.latency)
        self.stamps.append(time.perf_counter())
        return Delivery(Outcome.DELIVERED, message_id=key)


async def run(channels: int, limit: float, latency: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await SqliteStore.open(Path(tmp) / "bench.db")
        now = datetime.now(timezone.utc)
        for i in range(channels):
            await store.add_subscription(Subscription(ChannelRef("discord", "1", str(i)), created_at=now))
        poller = Poller(OneRace(), store)
        await poller.poll_once(utc_now())
        started = time.perf_counter()
        queued = (await poller.poll_once(utc_now())).announcements
        poll_seconds = time.perf_counter() - started
        platform = Platform(latency)
        limits = RateLimits({"discord": {"per_second": limit, "burst": 1, "channel_per_second": 0}})
        deliverer = Deliverer(store, Announcer(store).render, {"discord": platform}, limits,
                              DeliverySettings(concurrency=concurrency, budget_seconds=3600), clock=utc_now)
        started = time.perf_counter()
        stats = await deliverer.run()
        seconds = time.perf_counter() - started
        await store.close()
    rate = stats.delivered / seconds
    target = f"limit {limit:g}/s" if limit else "no limit"
    print(f"{channels} channels, {latency * 1000:.0f} ms round trip, concurrency {concurrency}, {target}: "
          f"{queued} rows queued in {poll_seconds * 1000:.0f} ms; delivered {stats.delivered} in {seconds:.2f} s "
          f"= {rate:.1f} msg/s" + (f" ({rate / limit:.0%} of the limit)" if limit else ""))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--channels", type=int, default=500)
    p.add_argument("--limit", type=float, default=40.0, help="platform messages per second; 0 = none")
    p.add_argument("--latency-ms", type=float, default=50.0)
    p.add_argument("--concurrency", type=int, default=8)
    a = p.parse_args()
    asyncio.run(run(a.channels, a.limit, a.latency_ms / 1000, a.concurrency))


if __name__ == "__main__":
    main()
