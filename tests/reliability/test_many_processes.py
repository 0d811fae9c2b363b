"""Three `racebot run` processes on one PostgreSQL store (issue 16, `-m slow`): they deliver one
race to 10,000 channels on a fake platform that keeps a global rate limit, while the process
holding the poll leadership is SIGKILLed mid fan-out and restarted.

What must hold, counted where the platform sees it:
- every announcement posted once: 0 lost, 0 duplicated (Slack by the key in each message's
  metadata, Discord by the nonce each message was created with);
- the processes together never go past the platform's global limit: the fake refuses (429)
  anything past it, and refused nothing;
- another process takes polling over within 2 poll intervals of the leader's death (measured
  from the SIGKILL to the next poll recorded in the store by another process);
- on Discord each process sends only to the guilds of its own shard; on Slack each process is
  given a slice of the channels (`[announcements] slice`), and the killed one's is delivered.
Run with -s to see the figures.
"""
from __future__ import annotations

import asyncio
import os
import time

import asyncpg
import pytest

from delivery_rig import discord_key_of, discord_posts, lost_and_duplicated, slack_key_of, slack_posts
from fake_discord import TOKEN as DISCORD_TOKEN, FakeDiscord, refusal
from fake_slack import BOT_TOKEN as SLACK_TOKEN, FakeSlack
from many_processes import Bot, bot_env, fake_world_athletics, prepared_store, write_config
from pg_server import pg_schema, pg_server  # noqa: F401 (fixtures)
from rate_meter import RateMeter
from slack_requests import SIGNING_SECRET

from bot.announce.jobs import utc_now
from bot.announce.publishing import ChannelRef
from bot.announce.shards import shard_of

pytestmark = pytest.mark.slow
CHANNELS = int(os.environ.get("RACEBOT_SCALE_CHANNELS", "10000"))
PROCESSES = 3
LIMIT = 300  # the platform's global limit: requests in any 1 s
RATE = 270  # what the processes are configured to share, with headroom for logins and look-ups
POLL = 3.0  # seconds between polls
SOURCE = "worldathletics"
STEP_LATE = 0.5  # a scheduled step's own lateness on a loaded machine, and this test's look every 20 ms


def channels(platform: str) -> list[ChannelRef]:
    if platform == "slack":
        return [ChannelRef("slack", "T0TEAM", f"C{i:06d}") for i in range(CHANNELS)]
    # 300 guilds, a snowflake each, spread over the shards as Discord spreads them
    guilds = [str((1100000000000000000 >> 22) + g << 22 | 777) for g in range(300)]
    return [ChannelRef("discord", guilds[i % len(guilds)], str(1300000000000000000 + i)) for i in range(CHANNELS)]


class Metered:
    """The fake's fault policy: the platform's global limit, kept as the platform keeps it."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.meter = RateMeter(LIMIT)

    def __call__(self, method: str, where):
        if self.platform == "slack":
            if method != "chat.postMessage" or self.meter.admit() == 0:
                return None
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        wait = self.meter.admit()  # Discord's global limit counts every REST request of the token
        if wait == 0:
            return None
        return refusal(429, {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": True},
                       {"Retry-After": str(max(1, round(wait))), "X-RateLimit-Global": "true",
                        "X-RateLimit-Scope": "global", "Via": "1.1 google"})


def tables(platform: str, url: str, schema: str, wa_url: str, api: str, gateway: str, i: int, folder) -> dict:
    limits = {"per_second": RATE, "burst": RATE}
    t: dict = {
        "storage": {"url": f"{url}?schema={schema}", "db_path": str(folder / f"unused-{i}.db")},
        "console": {"enabled": False},
        "replay": {"enabled": False},
        "sources.worldathletics": {"enabled": True, "endpoint": wa_url, "retry_attempts": 1, "timeout_seconds": 2.0,
                                   "idle_poll_seconds": POLL, "live_poll_seconds": POLL},
        "announcements": {"delivery_seconds": 0.5, "poll_seconds": POLL, "lease_seconds": 3.0,
                          "budget_seconds": 5.0, "concurrency": 16},
    }
    if platform == "discord":
        t["discord"] = {"api_base_url": api, "gateway_url": gateway, "dev_guild": "", "shard_count": PROCESSES,
                        "shard_ids": [i]}
    else:
        t["slack"] = {"mode": "http", "http_host": "127.0.0.1", "http_port": 0, "api_base_url": api}
        limits["share"] = 1 / PROCESSES  # no shards on Slack: a configured part each
        t["announcements"]["slice"] = f"{i + 1}/{PROCESSES}"  # and a slice of the channels each
        # a longer lease than Discord's: rows past 2 leases are anyone's, and a fan-out of 10,000
        # at 270/s lasts longer than 2 x 3 s; the killed process's slice is still taken over
        t["announcements"]["lease_seconds"] = 15.0
    t[f"announcements.rate_limits.{platform}"] = limits
    return t


async def counts(conn) -> dict[str, int]:
    return {state: n for state, n in await conn.fetch("SELECT state, count(*) FROM outbox GROUP BY state")}


async def until(predicate, timeout: float, what: str, bots: list[Bot], every: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        got = await predicate()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s\n" + "\n".join(b.log()[-1500:] for b in bots))
        await asyncio.sleep(every)


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_three_processes_share_one_store_and_one_rate_and_survive_a_kill(tmp_path, pg_server, pg_schema,
                                                                              platform):
    schema = pg_schema
    wa = fake_world_athletics()()
    await wa.start()
    fake = FakeDiscord() if platform == "discord" else FakeSlack()
    fake.fault = policy = Metered(platform)
    if platform == "discord":
        fake.max_concurrency = 16
        await fake.start()
        api, gateway = fake.api_base_url, fake.gateway_url
        env = bot_env(DISCORD_TOKEN=DISCORD_TOKEN)
    else:
        await fake.start()
        api, gateway = fake.api_base_url, ""
        env = bot_env(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    targets = channels(platform)
    bots: list[Bot] = []
    conn = None
    try:
        started = time.monotonic()
        expected = await prepared_store(pg_server, schema, targets, utc_now())
        prepared = time.monotonic() - started
        for i in range(PROCESSES):
            config = write_config(tmp_path / f"bot{i}.toml",
                                  tables(platform, pg_server, schema, wa.url, api, gateway, i, tmp_path))
            bots.append(Bot(f"bot{i}", config, env, tmp_path))
        conn = await asyncpg.connect(pg_server, server_settings={"search_path": schema})
        started = time.monotonic()
        for bot in bots:
            await bot.start()

        async def leader():
            row = await conn.fetchrow("SELECT lease_holder, lease_until FROM poll_state WHERE source = $1",
                                      f"{SOURCE}:leader")
            return row["lease_holder"] if row and row["lease_holder"] else None

        async def polls() -> int:
            return await conn.fetchval("SELECT coalesce(max(polls), 0) FROM poll_state WHERE source = $1", SOURCE)

        async def a_quarter_delivered():
            return (await counts(conn)).get("delivered", 0) >= CHANNELS // 4
        # looked at 4 times a second: a count over the outbox every 50 ms took CPU from the processes
        await until(a_quarter_delivered, 240, "a quarter delivered", bots, every=0.25)
        pid = int((await until(leader, 60, "a poll leader", bots)).split(":")[-2])
        victim = next(b for b in bots if b.proc and b.proc.pid == pid)
        polls_before = await polls()
        victim.kill()  # mid fan-out, sends in flight, and the poll leader
        killed = time.monotonic()
        assert await asyncio.wait_for(victim.proc.wait(), 10) < 0

        async def taken_over():
            holder = await leader()
            return holder and int(holder.split(":")[-2]) != pid and await polls() > polls_before
        await until(taken_over, 6 * POLL, "another process polling", bots, every=0.02)
        takeover = time.monotonic() - killed
        await victim.start()  # the restart: same config, same shard

        async def all_done():  # one probe of the pending index, not a count of the whole outbox
            return not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending')")
        await until(all_done, 300, "every announcement delivered", bots, every=0.1)
        took = time.monotonic() - started
        assert await counts(conn) == {"delivered": CHANNELS}
        stopped = [await bot.stop() for bot in bots]  # SIGTERM, as a rolling restart does
        assert stopped == [0] * PROCESSES, "\n".join(b.log() for b in bots)

        posts, key_of = (discord_posts, discord_key_of) if platform == "discord" else (slack_posts, slack_key_of)
        lost, duplicated = lost_and_duplicated(posts(fake), [key_of(c, k) for c, k in expected])
        meter = policy.meter
        print(f"\n{platform}: {PROCESSES} processes, {CHANNELS} announcements, store prepared in {prepared:.1f} s; "
              f"all delivered {took:.1f} s after start ({CHANNELS / took:.0f}/s overall), {lost} lost, {duplicated} "
              f"duplicated; busiest second at the platform {meter.peak} of {LIMIT} allowed, {meter.refused} refused; "
              f"poll leader killed mid fan-out, another polled {takeover:.2f} s later (poll every {POLL:g} s)")
        assert (lost, duplicated) == (0, 0)
        assert meter.refused == 0 and meter.peak <= LIMIT
        assert takeover <= 2 * POLL + STEP_LATE
        if platform == "discord":  # each process sent only to its own shard's guilds
            await _each_process_kept_to_its_shard(fake, targets)
    finally:
        for bot in bots:
            if bot.proc and bot.proc.returncode is None:
                bot.proc.kill()
                await bot.proc.wait()
        if conn is not None:
            await conn.close()
        await (fake.close() if platform == "discord" else fake.stop())
        await wa.stop()


async def _each_process_kept_to_its_shard(fake: FakeDiscord, targets: list[ChannelRef]) -> None:
    """REST requests do not say which process sent them, but a connection is one process's: the
    messages created over each connection all went to the guilds of one shard."""
    guild_of = {c.channel: c.workspace for c in targets}
    by_connection: dict[int, set[int]] = {}
    for r in fake.requests:
        if r.method == "POST" and r.path.startswith("/channels/") and r.path.endswith("/messages"):
            cid = r.path.split("/")[2]
            by_connection.setdefault(r.peer, set()).add(shard_of(guild_of[cid], PROCESSES))
    mixed = {peer: shards for peer, shards in by_connection.items() if len(shards) > 1}
    assert not mixed, f"connections that sent to several shards' guilds: {mixed}"
    assert set().union(*by_connection.values()) == set(range(PROCESSES))
