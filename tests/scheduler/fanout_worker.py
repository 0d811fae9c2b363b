"""A delivery worker for the SIGKILL test: delivers the outbox of DB to a publisher that appends
each post to LOG, as a platform would record it. Run: python fanout_worker.py DB LOG

The publisher keeps the Publisher contract across processes the way Discord's nonce does: a key
already in LOG is answered DELIVERED without posting again.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.announce.message import Announcer  # noqa: E402
from bot.announce.delivery import Deliverer, DeliverySettings  # noqa: E402
from bot.announce.jobs import utc_now  # noqa: E402
from bot.announce.publishing import Delivery, Outcome  # noqa: E402
from bot.announce.ratelimit import RateLimits  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402


class LogPublisher:
    platform = "discord"

    def __init__(self, log: Path) -> None:
        self.seen = set(log.read_text().split()) if log.exists() else set()
        self.fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        self.posts = 0

    async def send(self, channel, reply, key, *, in_doubt_since=None):
        await asyncio.sleep(0.002)  # the platform's round trip
        if key in self.seen:
            return Delivery(Outcome.DELIVERED, detail="already posted")
        os.write(self.fd, f"{key}\n".encode())  # one write: a line is whole or absent
        self.seen.add(key)
        self.posts += 1
        print(f"posted {self.posts}", flush=True)
        return Delivery(Outcome.DELIVERED, message_id=key)


async def main(db: str, log: str) -> int:
    store = await SqliteStore.open(db)
    try:
        publisher = LogPublisher(Path(log))
        limits = RateLimits({"discord": {"per_second": 0, "channel_per_second": 0}})
        settings = DeliverySettings(concurrency=8, lease_seconds=1.0, budget_seconds=20.0)
        deliverer = Deliverer(store, Announcer(store).render, {"discord": publisher}, limits, settings, clock=utc_now)
        while (await store.outbox_counts()).get("pending"):
            await deliverer.run()
        print("done", flush=True)
    finally:
        await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
