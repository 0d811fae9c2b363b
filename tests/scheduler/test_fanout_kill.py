"""A delivery process SIGKILLed during a fan-out to 500 channels, then restarted: every row is
delivered, and nothing reaches the platform twice."""
from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from bot.announce.jobs import utc_now
from sched_fakes import MEN_1500, FakeClock, ListSource, race_rows
from storage.sqlite import SqliteStore

WORKER = Path(__file__).with_name("fanout_worker.py")
CHANNELS = 500
pytestmark = pytest.mark.slow  # kill -9 of a second process: .ci/run runs it after the README's command


async def worker(db: Path, log: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, str(WORKER), str(db), str(log),
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_killed_mid_fan_out_then_restarted_delivers_everything_once(tmp_path):
    clock = FakeClock(utc_now())  # the workers run on the real clock: rows due now, not long expired
    db, log = tmp_path / "racebot.db", tmp_path / "platform.log"
    store = await SqliteStore.open(db)
    for i in range(CHANNELS):
        await store.add_subscription(Subscription(ChannelRef("discord", "1", str(10_000 + i)), created_at=clock()))
    source = ListSource([], race_rows("1500m", "M", MEN_1500))
    poller = Poller(source, store)
    await poller.poll_once(clock())
    assert (await poller.poll_once(clock())).announcements == CHANNELS
    await store.close()

    first = await worker(db, log)
    while True:  # kill it somewhere in the middle of the fan-out
        line = await asyncio.wait_for(first.stdout.readline(), 30)
        assert line, (await first.stderr.read()).decode()
        if line.startswith(b"posted 150"):
            break
    first.send_signal(signal.SIGKILL)
    assert await asyncio.wait_for(first.wait(), 10) == -signal.SIGKILL
    posted_before = len(log.read_text().split())
    assert 150 <= posted_before < CHANNELS

    second = await worker(db, log)
    out, err = await asyncio.wait_for(second.communicate(), 40)
    assert second.returncode == 0, err.decode()
    assert out.decode().splitlines()[-1] == "done"
    keys = log.read_text().split()
    assert len(keys) == len(set(keys)) == CHANNELS  # every channel once, none twice
    store = await SqliteStore.open(db)
    try:
        assert await store.outbox_counts() == {"delivered": CHANNELS}
    finally:
        await store.close()
