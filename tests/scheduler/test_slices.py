"""Slack processes in slices (issue 16): each delivers only the channels whose stable hash falls
in its slice, the same hash in SQL on both backends as in bot.announce.slices, and a slice whose
process is gone is taken over once its rows have waited 2 x lease. Both backends (tests/backends.py)."""
from __future__ import annotations

import pytest

from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.shards import Shards
from bot.announce.slices import Slice, slice_of
from bot.announce.subscriptions import Subscription
from backends import any_store, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from racebot.config import Config, parse
from racebot.pipelines import build_announcements
from sched_fakes import MEN_1500, FakePublisher, ListSource, race_rows
from test_delivery import deliverer

COUNT = 3
LEASE = 60.0


def test_a_slice_is_read_from_k_of_n():
    assert Slice.parse("1/3") == Slice(0, 3) and Slice.parse("3/3") == Slice(2, 3)
    for wrong in ("0/3", "4/3", "1/0", "1", "a/b", "1/3/5", "-1/3"):
        with pytest.raises(ValueError):
            Slice.parse(wrong)


def test_slices_split_channels_roughly_evenly():
    sizes = [0] * COUNT
    for n in range(3000):
        sizes[slice_of("T1", f"C{n}", COUNT)] += 1
    assert all(900 < s < 1100 for s in sizes), sizes  # md5's bits spread evenly


async def _queued(store, clock, channels):
    for channel in channels:
        await store.add_subscription(Subscription(channel, created_at=clock()))
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())  # the baseline
    source.add(race_rows("1500m", "M", MEN_1500))
    assert (await poller.poll_once(clock())).announcements == len(channels)


async def _run(store, clock, settings) -> set[ChannelRef]:
    publishers = {p: FakePublisher(p, clock) for p in ("discord", "slack")}
    d = deliverer(store, clock, publishers["slack"], lease_seconds=LEASE, **settings)
    d.publishers = publishers
    await d.run()
    return {p.channel for pub in publishers.values() for p in pub.posted}


async def test_each_process_delivers_only_its_slice(any_store, clock):
    store = any_store
    slack = [ChannelRef("slack", f"T{n % 2}", f"C{n}") for n in range(12)]
    dm = ChannelRef("discord", "", "dm-1")  # shard 0's: exempt from the slices
    await _queued(store, clock, [*slack, dm])

    got = [await _run(store, clock, {"slice": Slice(i, COUNT, exempt="discord"),
                                     "shards": Shards("discord", (i,), COUNT)}) for i in range(COUNT)]
    for i, sent in enumerate(got):  # the store's SQL and the Python formula agree, on both backends
        assert {c for c in sent if c.platform == "slack"} == {
            c for c in slack if slice_of(c.workspace, c.channel, COUNT) == i}
    assert got[0] - set(slack) == {dm} and not (got[1] | got[2]) - set(slack)
    assert sum(map(len, got)) == len(slack) + 1  # each channel sent to by one process
    assert await store.outbox_counts() == {"delivered": len(slack) + 1}


async def test_a_slice_nobody_claims_is_taken_over_after_two_leases(any_store, clock):
    store = any_store
    slack = [ChannelRef("slack", "T1", f"C{n}") for n in range(9)]
    await _queued(store, clock, slack)
    mine = {c for c in slack if slice_of(c.workspace, c.channel, COUNT) == 0}
    assert mine and mine != set(slack)

    assert await _run(store, clock, {"slice": Slice(0, COUNT)}) == mine
    clock.advance(2 * LEASE - 1)  # the other slices' processes may still come
    assert await _run(store, clock, {"slice": Slice(0, COUNT)}) == set()
    clock.advance(2)  # they did not: their rows are anyone's now
    assert await _run(store, clock, {"slice": Slice(0, COUNT)}) == set(slack) - mine
    assert await store.outbox_counts() == {"delivered": len(slack)}


async def test_the_configured_slice_reaches_delivery_and_leaves_discord_to_its_shards(shared_core, tmp_path):
    cfg = Config(tmp_path / "racebot.db", parse({"discord": {"shard_count": 3, "shard_ids": [1]},
                                                 "announcements": {"slice": "2/3"}, "replay": {"enabled": False}}))
    built = await build_announcements(cfg, shared_core, {"discord": FakePublisher("discord")}, has_chat=True)
    try:
        assert built.deliverers[0].settings.slice == Slice(1, 3, exempt="discord")
    finally:
        await built.stop()
    assert parse({}).announcements.delivery().slice is None  # no slice: every channel
