"""Announcement fan-out: one final to N subscribed channels through the real outbox, Deliverer and
Slack publisher, into a fake platform on loopback that enforces a rate limit (429 + Retry-After).
Prints the achieved rate as a fraction of the ceiling, and duplicates and losses as the platform saw them.

    python bench/fanout.py --channels 10000 --ceiling 1000 --channel-per-5s 5
"""
from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.announce.message import Announcer  # noqa: E402
from bot.announce.delivery import Deliverer, DeliverySettings  # noqa: E402
from bot.ingest.rows import ResultRow  # noqa: E402
from bot.announce.jobs import utc_now  # noqa: E402
from bot.announce.poller import Poller  # noqa: E402
from bot.announce.publishing import ChannelRef, Delivery, Outcome  # noqa: E402
from bot.announce.ratelimit import RateLimits  # noqa: E402
from bot.announce.subscriptions import Subscription  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402


class Batch:
    complete = True

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

    async def commit(self, batch) -> None:
        pass  # nothing fetched to remember

    async def failed(self, batch, error) -> None:
        raise RuntimeError(f"the bench's race was refused: {error}")


class Platform:
    """In-process stand-in with a fixed round trip: the delivery path's own ceiling."""

    platform = "slack"

    def __init__(self, latency: float) -> None:
        self.latency = latency

    async def send(self, channel, reply, key):
        await asyncio.sleep(self.latency)
        return Delivery(Outcome.DELIVERED, message_id=key)


@asynccontextmanager
async def loopback_slack(per_second: float, channel_per_5s: int):
    """The fake platform in its own process, and the real Slack publisher pointed at it."""
    import aiohttp
    from adapters.slack.outbound import Outbound, web_client
    from adapters.slack.publisher import SlackPublisher

    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("fake_platform.py")),
                               "--global-per-second", str(per_second), "--channel-per-5s", str(channel_per_5s)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as session:
            client = web_client(session, f"{base}/api/", "xoxb-bench")  # as the adapter builds it
            yield SlackPublisher(Outbound(client, session), remember=100_000), session, base
    finally:
        server.stdin.close()
        server.wait(timeout=10)


async def run(channels: int, ceiling: float, channel_per_5s: int, concurrency: int, latency: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await SqliteStore.open(Path(tmp) / "bench.db")
        now = datetime.now(timezone.utc)
        for i in range(channels):
            await store.add_subscription(Subscription(ChannelRef("slack", "T1", f"C{i:06d}"), created_at=now))
        poller = Poller(OneRace(), store)
        await poller.poll_once(utc_now())
        started = time.perf_counter()
        queued = (await poller.poll_once(utc_now())).announcements
        print(f"{queued} announcements queued for {channels} channels in {(time.perf_counter() - started) * 1000:.0f} ms "
              "(one transaction with the results)")
        limits = RateLimits({"slack": {"per_second": ceiling, "burst": max(1, int(ceiling // 10)),
                                       "channel_per_second": channel_per_5s / 5, "channel_burst": channel_per_5s}})
        settings = DeliverySettings(concurrency=concurrency, budget_seconds=3600)
        if latency:
            deliverer = Deliverer(store, Announcer(store).render, {"slack": Platform(latency)}, limits, settings,
                                  clock=utc_now)
            started = time.perf_counter()
            stats = await deliverer.run()
            took = time.perf_counter() - started
            print(f"in-process publisher, {latency * 1000:.0f} ms round trip: {stats.delivered / took:.0f} msg/s")
        else:
            async with loopback_slack(ceiling, channel_per_5s) as (publisher, session, base):
                deliverer = Deliverer(store, Announcer(store).render, {"slack": publisher}, limits, settings,
                                      clock=utc_now)
                started = time.perf_counter()
                stats = await deliverer.run()
                took = time.perf_counter() - started
                async with session.get(f"{base}/stats") as resp:
                    seen = await resp.json()
            rate = seen["messages"] / took
            print(f"delivered {stats.delivered} through the Slack publisher to a loopback platform limiting "
                  f"{ceiling:g} requests/s and {channel_per_5s} per 5 s per channel: {took:.1f} s = {rate:.0f} msg/s "
                  f"= {rate / ceiling:.0%} of the ceiling; duplicates {seen['duplicates']}, "
                  f"losses {channels - seen['channels']}, 429s {seen['refused']}")
        await store.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--channels", type=int, default=10_000)
    p.add_argument("--ceiling", type=float, default=1000.0, help="the platform's requests per second")
    p.add_argument("--channel-per-5s", type=int, default=5)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--latency-ms", type=float, default=0.0,
                   help="instead of the loopback platform, an in-process publisher with this round trip")
    a = p.parse_args()
    asyncio.run(run(a.channels, a.ceiling, a.channel_per_5s, a.concurrency, a.latency_ms / 1000))


if __name__ == "__main__":
    main()
