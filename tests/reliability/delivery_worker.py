"""A delivering process for the kill -9 and two-process tests: the real Deliverer over the store
DB, sending through the real publisher of PLATFORM to a fake on loopback.

    python delivery_worker.py DB slack|discord API_BASE_URL LEASE_SECONDS [NONCE_WINDOW_SECONDS]

Prints `sent N` after each answered send (so a test knows when to kill it) and `done` once
nothing is pending. NONCE_WINDOW_SECONDS: how long the Discord publisher trusts the nonce (a
"late" restart sets it below the time the restart takes).
"""
from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import aiohttp  # noqa: E402

from bot.announce.message import Announcer  # noqa: E402
from bot.announce.delivery import Deliverer, DeliverySettings  # noqa: E402
from bot.announce.jobs import utc_now  # noqa: E402
from bot.announce.ratelimit import RateLimits  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402

SLACK_TOKEN = "xoxb-test-bot-token"  # the fakes' tokens (tests/slack/fake_slack.py, tests/discord/fake_discord.py)
DISCORD_TOKEN = "fake-bot-token.not-a-secret"
NO_LIMITS = {"per_second": 0, "burst": 0, "channel_per_second": 0, "channel_burst": 0}


async def publisher_for(platform: str, api: str, nonce_window: float | None, closers: list):
    if platform == "slack":
        from adapters.slack.outbound import Outbound, web_client
        from adapters.slack.publisher import SlackPublisher

        session = aiohttp.ClientSession()
        closers.append(session.close)
        return SlackPublisher(Outbound(web_client(session, api, SLACK_TOKEN), session))
    import discord

    from adapters.discord import endpoints
    from adapters.discord.publisher import NONCE_WINDOW, ChannelPublisher

    endpoints.point_at(api, api.replace("http", "ws"))
    client = discord.Client(intents=discord.Intents(guilds=True), max_ratelimit_timeout=30.0)
    await client.login(DISCORD_TOKEN)
    closers.append(client.close)
    window = NONCE_WINDOW if nonce_window is None else timedelta(seconds=nonce_window)
    publisher = ChannelPublisher(nonce_window=window)
    publisher.client = client
    return publisher


async def main(db: str, platform: str, api: str, lease: float, nonce_window: float | None) -> int:
    store = await SqliteStore.open(db)
    closers: list = [store.close]
    try:
        publisher = await publisher_for(platform, api, nonce_window, closers)
        sent = 0
        real_send = publisher.send

        async def send(*args, **kwargs):
            nonlocal sent
            answer = await real_send(*args, **kwargs)
            sent += 1
            print(f"sent {sent}", flush=True)
            return answer

        publisher.send = send
        settings = DeliverySettings(concurrency=8, lease_seconds=lease, budget_seconds=20.0)
        deliverer = Deliverer(store, Announcer(store).render, {platform: publisher}, RateLimits({platform: NO_LIMITS}),
                              settings, clock=utc_now)
        while (await store.outbox_counts()).get("pending"):
            stats = await deliverer.run()
            if stats.next_wait:
                await asyncio.sleep(min(stats.next_wait, 1.0))
        print("done", flush=True)
    finally:
        for close in reversed(closers):
            await close()
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(asyncio.run(main(args[0], args[1], args[2], float(args[3]), float(args[4]) if len(args) > 4 else None)))
