"""Several processes on one bot token (issue 16): each delivers only to the channels of the
Discord shards it runs, and takes its part of the platform's rate; one process polls a source at
a time, and another takes over when it dies. Delivery on both backends (tests/backends.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.announce.delivery import DeliverySettings
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.announce.shards import Shards, shard_of
from bot.announce.subscriptions import Subscription
from backends import any_store, fetch_rows, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from racebot.config import Config, parse
from racebot.pipelines import build_announcements
from sched_fakes import MEN_1500, FakePublisher, ListSource, race_rows
from test_delivery import deliverer


def guild_on(shard: int, count: int, n: int = 0) -> str:
    """A guild id (a snowflake) that Discord puts on `shard` of `count`."""
    return str(((count << 38) + shard + n * count) << 22 | 12345)  # a realistic size: 18-19 digits


def test_a_guild_is_on_the_shard_discord_puts_it_on():
    assert shard_of("81384788765712384", 4) == (81384788765712384 >> 22) % 4  # the formula Discord documents
    assert [shard_of(guild_on(s, 3), 3) for s in range(3)] == [0, 1, 2]
    assert shard_of("", 3) == 0  # a DM has no guild: shard 0 gets it
    assert Shards("discord", (1, 2), 4).share == 0.5
    with pytest.raises(ValueError):
        Shards("discord", (4,), 4)


async def test_each_process_delivers_only_to_its_shards_channels(any_store, clock):
    store, count = any_store, 3
    channels = [ChannelRef("discord", guild_on(s, count, n), f"{s}{n}") for s in range(count) for n in range(3)]
    channels += [ChannelRef("discord", "", "dm-1"), ChannelRef("slack", "T1", "C1")]
    for channel in channels:
        await store.add_subscription(Subscription(channel, created_at=clock()))
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())  # the baseline
    source.add(race_rows("1500m", "M", MEN_1500))
    assert (await poller.poll_once(clock())).announcements == len(channels)

    got = {}
    for ids in [(0,), (1, 2)]:
        publishers = {p: FakePublisher(p, clock) for p in ("discord", "slack")}
        d = deliverer(store, clock, publishers["discord"], shards=Shards("discord", ids, count))
        d.publishers = publishers
        await d.run()
        got[ids] = {p.channel for pub in publishers.values() for p in pub.posted}
    discord_of = {ids: {c for c in sent if c.platform == "discord"} for ids, sent in got.items()}
    assert discord_of[(0,)] == {c for c in channels if c.platform == "discord" and shard_of(c.workspace, count) == 0}
    assert discord_of[(1, 2)] == {c for c in channels if c.platform == "discord"} - discord_of[(0,)]
    assert ChannelRef("slack", "T1", "C1") in got[(0,)]  # no shards on Slack: whoever comes first sends
    assert await store.outbox_counts() == {"delivered": len(channels)}


def test_processes_sharing_a_limit_stay_inside_it_together():
    """Three processes, a third of Discord's rate each, sending as fast as they may."""
    parts = [RateLimits({"discord": {"share": 1 / 3, "channel_per_second": 0}}) for _ in range(3)]
    channel, start, sent = ChannelRef("discord", "1", "2"), clock_at(0), []
    for step in range(3000):  # 3 s in 1 ms steps, each send answered at once
        now = start + timedelta(milliseconds=step)
        for limits in parts:
            if limits.acquire(channel, now) == 0:
                limits.answered(channel, now)
                sent.append(step)
    most = max(sum(1 for x in sent if s <= x < s + 1000) for s in sent)  # in whole ms: no float edges
    assert 36 <= most <= 40  # Discord's 40 a second (its 50, with headroom), not 3 x 40


def clock_at(seconds: float):
    from sched_fakes import T0
    return T0 + timedelta(seconds=seconds)


async def test_one_poller_leads_and_another_takes_over_when_it_stops_renewing(store, clock):
    polled = {"a": 0, "b": 0}

    class Counted(ListSource):
        def __init__(self, who: str) -> None:
            super().__init__(name="wa")
            self.who = who

        async def poll(self, now):
            polled[self.who] += 1
            return await super().poll(now)

    a, b = (Poller(Counted(w), store, holder=w, leader_seconds=10) for w in "ab")
    for _ in range(3):  # both step every 10 s; only the leader polls
        await a.step(clock())
        await b.step(clock())
        clock.advance(10)
    assert polled == {"a": 3, "b": 0}
    clock.advance(10)  # a died: its leadership lapses 10 s after its last step
    await b.step(clock())
    await a.step(clock())
    assert polled == {"a": 3, "b": 1}
    await b.resign()  # a clean stop hands it on at once
    await a.step(clock())
    assert polled == {"a": 4, "b": 1}


async def test_a_process_with_some_shards_takes_their_part_of_the_rate(shared_core, tmp_path):
    cfg = Config(tmp_path / "racebot.db", parse({"discord": {"shard_count": 4, "shard_ids": [1, 3]},
                                                 "replay": {"enabled": False}}))
    built = await build_announcements(cfg, shared_core, {"discord": FakePublisher("discord")}, has_chat=True)
    try:
        d = built.deliverers[0]
        assert d.settings.shards == Shards("discord", (1, 3), 4)
        assert d.limits._config["discord"]["share"] == 0.5
    finally:
        await built.stop()
    cfg = Config(tmp_path / "racebot.db", parse({"discord": {"shard_count": 4, "shard_ids": [1]},
                                                 "announcements": {"rate_limits": {"discord": {"share": 0.9}}},
                                                 "replay": {"enabled": False}}))
    built = await build_announcements(cfg, shared_core, {"discord": FakePublisher("discord")}, has_chat=True)
    try:
        assert built.deliverers[0].limits._config["discord"]["share"] == 0.9  # the file's own share wins
    finally:
        await built.stop()
    assert DeliverySettings().shards is None


async def test_a_poll_longer_than_its_lease_keeps_it(store, clock):
    """The poll lease is short (a dead holder's lapses soon) and renewed while the poll lasts."""
    import asyncio

    class Slow(ListSource):
        async def poll(self, now):
            await asyncio.sleep(0.45)
            return await super().poll(now)

    a, b = Poller(Slow(name="wa"), store, holder="a", lease_seconds=0.3), Poller(ListSource(name="wa"), store, holder="b")
    polling = asyncio.ensure_future(a.poll_once(clock()))
    await asyncio.sleep(0.35)  # past the lease a took at the start
    assert (await b.poll_once(clock() + timedelta(seconds=0.35))).skipped
    assert not (await polling).skipped
    assert not (await b.poll_once(clock() + timedelta(seconds=0.5))).skipped  # released at the end


async def test_a_leader_asked_to_poll_later_keeps_the_source_until_then(store, clock):
    from sched_fakes import GivenBatch

    class Later(ListSource):
        async def poll(self, now):
            return GivenBatch([], next_poll=now + timedelta(seconds=60))  # idle: the source wants a minute

    a, b = Poller(Later(name="wa"), store, holder="a", leader_seconds=10), Poller(Later(name="wa"), store, holder="b")
    b.leader = a.leader
    assert await a.step(clock()) == clock() + timedelta(seconds=60)
    clock.advance(30)
    assert await b.step(clock()) is None  # a is not due yet: b does not poll early
    clock.advance(31)  # a's next poll came and went without it: b takes over
    assert await b.step(clock()) == clock() + timedelta(seconds=60)
