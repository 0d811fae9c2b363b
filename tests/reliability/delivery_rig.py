"""The rig for delivery's reliability tests: a real store with announcements queued, the real
Slack and Discord publishers pointed at the loopback fakes, and counts of what the fakes received.

Posts are counted where the platform would see them: Slack by the outbox key each message
carries in its metadata, Discord by the nonce each message was created with (one per key and page). A key seen
twice is a duplicate; a key never seen is a loss.
"""
from __future__ import annotations

import asyncio
import random
import sys
from collections import Counter
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable

TESTS = Path(__file__).resolve().parents[1]
for folder in ("slack", "discord", "scheduler"):  # the fakes live beside the suites that grew them
    if str(TESTS / folder) not in sys.path:
        sys.path.insert(0, str(TESTS / folder))

import aiohttp  # noqa: E402
import discord  # noqa: E402
import fake_discord  # noqa: E402
import fake_slack  # noqa: E402
from sched_fakes import MEN_1500, ListSource, race_rows  # noqa: E402

from adapters.discord import endpoints  # noqa: E402
from adapters.discord.publisher import ChannelPublisher, nonce_for  # noqa: E402
from adapters.slack.outbound import Outbound, web_client  # noqa: E402
from adapters.slack.publisher import SlackPublisher  # noqa: E402
from bot.announce.message import Announcer  # noqa: E402
from bot.announce.delivery import Deliverer, DeliverySettings  # noqa: E402
from bot.announce.poller import Poller  # noqa: E402
from bot.announce.publishing import ChannelRef, Publisher  # noqa: E402
from bot.announce.ratelimit import RateLimits  # noqa: E402
from bot.announce.subscriptions import Subscription  # noqa: E402

NO_LIMITS = {"per_second": 0, "burst": 0, "channel_per_second": 0, "channel_burst": 0}


def channels(platform: str, n: int) -> list[ChannelRef]:
    if platform == "slack":
        return [ChannelRef("slack", fake_slack.TEAM, f"C{i:05d}") for i in range(n)]
    return [ChannelRef("discord", fake_discord.GUILD_ID, str(1100000000000000000 + i)) for i in range(n)]


async def queue_announcements(store, now: datetime, targets: list[ChannelRef], *,
                              competition: str = "Rig Meeting") -> list[str]:
    """One final announced to every channel; returns the outbox keys, as the publishers get them."""
    for channel in targets:
        await store.add_subscription(Subscription(channel, created_at=now))
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(now)  # the baseline
    source.add(race_rows("1500m", "M", MEN_1500, competition=competition))
    assert (await poller.poll_once(now)).announcements == len(targets)
    rows = await store.conn.execute_fetchall("SELECT subscription_id, race_id, revision FROM outbox ORDER BY id")
    return [f"racebot:{s}:{r}:{v}" for s, r, v in rows]


def deliverer(store, publisher: Publisher, clock, *, sleep=None, seed: int = 13, **settings) -> Deliverer:
    limits = settings.pop("limits", {publisher.platform: NO_LIMITS})
    return Deliverer(store, Announcer(store).render, {publisher.platform: publisher}, RateLimits(limits),
                     DeliverySettings(**settings), clock=clock, sleep=sleep or getattr(clock, "sleep", asyncio.sleep),
                     spread=random.Random(seed).random)


async def deliver_until_settled(d: Deliverer, store, clock, *, rounds: int = 10_000) -> int:
    """Delivery runs, the fake clock moved on between them, until nothing is pending; returns the runs."""
    for n in range(1, rounds + 1):
        stats = await d.run()
        if not (await store.outbox_counts()).get("pending"):
            return n
        clock.advance(stats.next_wait if stats.next_wait else 1.0)
    raise AssertionError(f"still pending after {rounds} runs: {await store.outbox_counts()}")


# --- Slack ------------------------------------------------------------------------------------
@asynccontextmanager
async def slack_publisher(fake: "fake_slack.FakeSlack"):
    """A fresh publisher (a fresh process, as far as its memory goes) over its own session."""
    async with aiohttp.ClientSession() as session:
        yield SlackPublisher(Outbound(web_client(session, fake.api_base_url, fake_slack.BOT_TOKEN), session))


def slack_posts(fake: "fake_slack.FakeSlack") -> Counter:
    """(channel, key) -> messages posted, read from the metadata Slack stored with each."""
    return Counter((p["channel"], p.get("metadata", {}).get("event_payload", {}).get("key"))
                   for p in fake.posts if p.get("thread_ts") is None)


def slack_key_of(channel: ChannelRef, key: str) -> tuple[str, str]:
    return channel.channel, key


# --- Discord ----------------------------------------------------------------------------------
@asynccontextmanager
async def discord_publisher(fake: "fake_discord.FakeDiscord", clock: Callable[[], datetime]):
    restore = endpoints.point_at(fake.api_base_url, fake.gateway_url)
    client = discord.Client(intents=discord.Intents(guilds=True), max_ratelimit_timeout=30.0)
    try:
        await client.login(fake_discord.TOKEN)
        publisher = ChannelPublisher(clock=clock)
        publisher.client = client
        yield publisher
    finally:
        await client.close()
        restore()


def discord_posts(fake: "fake_discord.FakeDiscord") -> Counter:
    """(channel, nonce) -> messages created."""
    return Counter((cid, m["nonce"]) for cid, messages in fake.channel_messages.items() for m in messages)


def discord_key_of(channel: ChannelRef, key: str) -> tuple[str, str]:
    return channel.channel, nonce_for(key, 0)


def lost_and_duplicated(posted: Counter, expected: list[tuple[str, str]]) -> tuple[int, int]:
    lost = sum(1 for k in expected if posted[k] == 0)
    duplicated = sum(n - 1 for n in posted.values() if n > 1)
    return lost, duplicated

