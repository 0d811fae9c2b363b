"""A fan-out bigger than one batch: the next pass is looked up while the last sends of the one
before are out, without more sends in flight than allowed, a channel in two lanes, a row sent
twice or a channel's rows out of order."""
from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from bot.announce.message import Announcer
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.announce.subscriptions import Subscription
from sched_fakes import MEN_1500, WOMEN_5000, FakePublisher, ListSource, race_rows


class SlowPublisher(FakePublisher):
    """Takes a real (short) round trip per send, and counts sends in flight."""

    def __init__(self, platform: str, clock) -> None:
        super().__init__(platform, clock)
        self.in_flight = self.most_in_flight = 0

    async def send(self, channel, reply, key):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.002)
            return await super().send(channel, reply, key)
        finally:
            self.in_flight -= 1


async def _subscribed(store, clock, n: int):
    """`n` subscribed channels and a source whose baseline poll is done."""
    channels = [ChannelRef("discord", "1", str(100 + i)) for i in range(n)]
    for c in channels:
        await store.add_subscription(Subscription(c, created_at=clock()))
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())  # baseline
    return channels, source, poller


async def test_passes_overlap_yet_concurrency_order_and_once_hold(store, clock):
    channels, source, poller = await _subscribed(store, clock, 40)
    for event, gender, results in (("800m", "M", MEN_1500), ("1500m", "M", MEN_1500), ("5000m", "W", WOMEN_5000)):
        source.add(race_rows(event, gender, results))
        await poller.poll_once(clock())
    pub = SlowPublisher("discord", clock)
    lookups = []  # (posts made so far, keys of the rows returned)
    due_rows = store.due_rows

    async def spy(*args, **kwargs):  # the real query, noting when it ran and what it returned
        posted = len(pub.posted)
        rows = await due_rows(*args, **kwargs)
        lookups.append((posted, {r.key("racebot") for r in rows}))
        return rows

    store.due_rows = spy
    limits = RateLimits({"discord": {"per_second": 0, "channel_per_second": 0}})
    settings = DeliverySettings(batch=25, concurrency=4)
    d = Deliverer(store, Announcer(store).render, {"discord": pub}, limits, settings, clock=clock, sleep=clock.sleep)
    stats = await d.run()

    assert stats.delivered == 120 and len(pub.keys) == len(set(pub.keys)) == 120
    assert pub.most_in_flight <= 4
    sent_order = {key: i for i, key in enumerate(pub.keys)}
    # Some batch was looked up before the batch ahead of it had all gone out.
    assert any(any(sent_order.get(k, -1) >= posted for k in earlier)
               for (_, earlier), (posted, _) in zip(lookups, lookups[1:]))
    rows_in_order = [f"racebot:{s}:{r}:{v}" for s, r, v in await store.conn.execute_fetchall(
        "SELECT subscription_id, race_id, revision FROM outbox ORDER BY id")]
    sent = defaultdict(list)
    for p in pub.posted:
        sent[p.channel].append(p.key)
    for c in channels:  # each channel got its three races in the order they were queued
        assert sent[c] == [k for k in rows_in_order if k in set(sent[c])]
    assert await store.outbox_counts() == {"delivered": 120}


async def test_a_failing_lane_lets_the_others_finish_and_record_their_sends(store, clock):
    channels, source, poller = await _subscribed(store, clock, 6)
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    pub = SlowPublisher("discord", clock)
    send = pub.send

    async def send_or_blow_up(channel, reply, key):
        if channel == channels[0]:
            raise Doomed()
        return await send(channel, reply, key)

    pub.send = send_or_blow_up
    d = Deliverer(store, Announcer(store).render, {"discord": pub}, RateLimits(), DeliverySettings(concurrency=6),
                  clock=clock, sleep=clock.sleep)
    with pytest.raises(Doomed):
        await d.run()
    # Every send that went out was recorded before the error came up.
    assert await store.outbox_counts() == {"delivered": 5, "pending": 1}
    assert len(pub.posted) == 5


class Doomed(BaseException):
    """Not a send failing (that is a RETRY): something no lane should swallow."""
