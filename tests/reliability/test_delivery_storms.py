"""The long delivery runs (`-m slow`): fault storms on both platforms, a delivering process killed
with SIGKILL mid fan-out and restarted, and two delivering processes on one store with a lease
shorter than a send. Every case counts what the fake platform received: 0 lost, 0 duplicated.

Storms run the real Deliverer on a fake clock (a 15-minute 429 storm takes seconds); the process
cases run the real clock in subprocesses (tests/reliability/delivery_worker.py). Each prints its
figures (run with -s to see them): posts, faults injected, lost, duplicated, wall time.
"""
from __future__ import annotations

import asyncio
import random
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from delivery_rig import (channels, deliver_until_settled, deliverer, discord_key_of, discord_posts,
                          discord_publisher, lost_and_duplicated, queue_announcements, slack_key_of, slack_posts,
                          slack_publisher)
from fake_discord import DROPPED, LOST_ACK as DISCORD_LOST_ACK, FakeDiscord, refusal
from fake_slack import LOST_ACK as SLACK_LOST_ACK, FakeSlack
from sched_fakes import FakeClock

from bot.announce.jobs import utc_now
from storage.sqlite import SqliteStore

pytestmark = pytest.mark.slow
WORKER = Path(__file__).with_name("delivery_worker.py")
POSTS = 200
STORM = timedelta(minutes=15)  # 429s for longer than the old outbox kept trying (about 8 min)


class Faults:
    """A fault policy for one storm, keeping count of what it injected."""

    def __init__(self, platform: str, kind: str, clock: FakeClock, seed: int = 7) -> None:
        self.platform, self.kind, self.clock = platform, kind, clock
        self.rng = random.Random(seed)
        self.storm_ends = clock() + STORM
        self.injected = 0

    def _creates(self, method: str, where: str) -> bool:
        if self.platform == "slack":
            return method == "chat.postMessage"
        return method == "POST" and where.endswith("/messages")

    def __call__(self, method: str, where) -> object:
        if not self._creates(method, where if isinstance(where, str) else ""):
            return None
        fault = self._pick()
        self.injected += fault is not None
        return fault

    def _pick(self):
        slack = self.platform == "slack"
        if self.kind == "429":
            if self.clock() >= self.storm_ends:
                return None
            if slack:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "60"}
            # Longer than discord.py's max_ratelimit_timeout: handed back to the outbox, as in production.
            return refusal(429, {"message": "You are being rate limited.", "retry_after": 60.0, "global": False},
                           {"Retry-After": "60", "Via": "1.1 google"})
        draw = self.rng.random()
        if self.kind == "5xx" and draw < 0.3:
            if slack:
                return 503, "<html>Service Unavailable</html>", {}
            return refusal(503, {"message": "Service Unavailable", "code": 0})
        if self.kind == "lost-ack" and draw < 0.1:
            if slack:
                return SLACK_LOST_ACK
            return DROPPED if draw < 0.05 else DISCORD_LOST_ACK
        return None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc_now())


@pytest.fixture
async def fakes(clock):
    slack, discord_fake = FakeSlack(), await FakeDiscord().start()
    slack.clock = discord_fake.clock = lambda: clock().timestamp()
    await slack.start()
    yield {"slack": slack, "discord": discord_fake}
    await slack.stop()
    await discord_fake.close()


@pytest.mark.parametrize("kind", ["429", "5xx", "lost-ack"])
@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_fault_storms_lose_nothing_and_post_nothing_twice(tmp_path, clock, fakes, platform, kind):
    fake = fakes[platform]
    if platform == "discord":
        fake.nonce_seconds = 120  # Discord's de-duplication window is minutes, the storm is longer
    store = await SqliteStore.open(tmp_path / "racebot.db")
    started, start = time.monotonic(), clock()
    try:
        targets = channels(platform, POSTS)
        keys = await queue_announcements(store, clock(), targets)
        fake.fault = faults = Faults(platform, kind, clock)
        rig, posts, key_of = ((slack_publisher(fake), slack_posts, slack_key_of) if platform == "slack"
                              else (discord_publisher(fake, clock), discord_posts, discord_key_of))
        async with rig as publisher:
            await deliver_until_settled(deliverer(store, publisher, clock), store, clock)
        lost, duplicated = lost_and_duplicated(posts(fake), [key_of(c, k) for c, k in zip(targets, keys)])
        done = sorted(at for (at,) in await store.conn.execute_fetchall("SELECT delivered_at FROM outbox"))
        took = [(datetime.fromisoformat(done[i]) - start).total_seconds() for i in (len(done) // 2, -2, -1)]
        print(f"\n{platform} {kind}: {POSTS} posts, {faults.injected} faults injected, {lost} lost, "
              f"{duplicated} duplicated; on the delivery clock half delivered by {took[0]:.0f} s, all but one "
              f"by {took[1]:.0f} s, all by {took[2]:.0f} s; {time.monotonic() - started:.1f} s wall")
        assert (lost, duplicated) == (0, 0)
        assert faults.injected >= (POSTS if kind == "429" else 10)
        assert await store.outbox_counts() == {"delivered": POSTS}
    finally:
        await store.close()


async def worker(db: Path, platform: str, api: str, lease: float, nonce_window: float | None = None):
    args = [sys.executable, str(WORKER), str(db), platform, api, str(lease)]
    args += [str(nonce_window)] if nonce_window is not None else []
    return await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finished(proc) -> None:
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-3000:]
    assert out.decode().splitlines()[-1] == "done"


@pytest.mark.parametrize("platform, late", [("slack", False), ("discord", False), ("discord", True)])
async def test_killed_mid_fan_out_then_restarted_loses_nothing_and_posts_nothing_twice(tmp_path, fakes, platform,
                                                                                       late):
    fake = fakes[platform]
    fake.clock = time.time  # the workers run on the real clock
    if late:  # the restart comes after Discord's nonce window: only the look in the channel prevents repeats
        fake.nonce_seconds = 0.0
    db = tmp_path / "racebot.db"
    store = await SqliteStore.open(db)
    targets = channels(platform, POSTS)
    keys = await queue_announcements(store, utc_now(), targets)
    await store.close()
    started = time.monotonic()
    first = await worker(db, platform, fake.api_base_url, 1.0, 0.0 if late else None)
    while True:  # kill it in the middle of the fan-out, sends in flight
        line = await asyncio.wait_for(first.stdout.readline(), 60)
        assert line, (await first.stderr.read()).decode()[-3000:]
        if line.startswith(b"sent 60"):
            break
    first.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(first.wait(), 10) == -signal.SIGKILL
    await finished(await worker(db, platform, fake.api_base_url, 1.0, 0.0 if late else None))
    posts, key_of = (slack_posts, slack_key_of) if platform == "slack" else (discord_posts, discord_key_of)
    lost, duplicated = lost_and_duplicated(posts(fake), [key_of(c, k) for c, k in zip(targets, keys)])
    print(f"\n{platform}{' late' if late else ''} kill -9 after 60 sends: {POSTS} posts, {lost} lost, "
          f"{duplicated} duplicated, {time.monotonic() - started:.1f} s wall")
    assert (lost, duplicated) == (0, 0)
    store = await SqliteStore.open(db)
    try:
        assert await store.outbox_counts() == {"delivered": POSTS}
    finally:
        await store.close()


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_two_delivering_processes_with_a_lease_shorter_than_a_send(tmp_path, fakes, platform):
    fake = fakes[platform]
    fake.clock = time.time
    if platform == "slack":
        fake.delays["chat.postMessage"] = 1.2
    else:
        fake.create_delay = 1.2
        fake.nonce_seconds = 0.0  # no help from the nonce: a second post would show
    db = tmp_path / "racebot.db"
    store = await SqliteStore.open(db)
    targets = channels(platform, 40)
    keys = await queue_announcements(store, utc_now(), targets)
    await store.close()
    started = time.monotonic()
    both = [await worker(db, platform, fake.api_base_url, 0.5, 0.0 if platform == "discord" else None)
            for _ in range(2)]
    await asyncio.gather(*(finished(p) for p in both))
    posts, key_of = (slack_posts, slack_key_of) if platform == "slack" else (discord_posts, discord_key_of)
    lost, duplicated = lost_and_duplicated(posts(fake), [key_of(c, k) for c, k in zip(targets, keys)])
    print(f"\n{platform} two processes, 0.5 s lease, 1.2 s sends: 40 posts, {lost} lost, {duplicated} duplicated, "
          f"{time.monotonic() - started:.1f} s wall")
    assert (lost, duplicated) == (0, 0)
