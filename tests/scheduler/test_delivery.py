"""Delivery: due rows rendered and sent with a stable key, then marked; retries honour
Retry-After; a gone channel is disabled once; a crash anywhere loses nothing and posts nothing twice.
On both backends (tests/backends.py)."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.announce.message import Announcer
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.announce.ratelimit import RateLimits
from bot.announce.subscriptions import Filters, Subscription
from backends import any_store, fetch_rows, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from sched_fakes import MEN_1500, WOMEN_5000, FakePublisher, ListSource, race_rows

@pytest.fixture
def store(any_store):
    return any_store


A = ChannelRef("discord", "1", "100")
B = ChannelRef("discord", "1", "200")


async def queued(store, clock, *subs: Subscription,
                 races=(("1500m", "M", MEN_1500),)) -> tuple[list, ListSource, Poller]:
    made = [await store.add_subscription(s) for s in subs]
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())  # baseline
    for event, gender, results in races:
        source.add(race_rows(event, gender, results))
        await poller.poll_once(clock())
    return made, source, poller


def deliverer(store, clock, publisher, spread=lambda: 0.5, **settings) -> Deliverer:
    return Deliverer(store, Announcer(store).render, {publisher.platform: publisher},
                     RateLimits(settings.pop("limits", None)), DeliverySettings(**settings), clock=clock,
                     sleep=clock.sleep, spread=spread)


async def states(store) -> list[tuple]:
    return [tuple(r) for r in await fetch_rows(store,
        "SELECT subscription_id, state, attempts FROM outbox ORDER BY id")]


async def test_delivered_rows_are_marked_and_keys_are_stable(store, clock):
    (a, b), _, _ = await queued(store, clock, Subscription(A, created_at=clock()), Subscription(B, created_at=clock()))
    pub = FakePublisher("discord", clock)
    stats = await deliverer(store, clock, pub).run()
    assert (stats.delivered, stats.next_wait) == (2, None)
    [(race,)] = await fetch_rows(store, "SELECT id FROM races")
    assert pub.keys == [f"racebot:{a.id}:{race}:1", f"racebot:{b.id}:{race}:1"]
    assert pub.posted[0].reply.title == "Men's 1500m · Bislett Games 2024"
    assert await states(store) == [(a.id, "delivered", 1), (b.id, "delivered", 1)]
    assert (await deliverer(store, clock, pub).run()).delivered == 0
    assert len(pub.posted) == 2


async def test_retry_waits_for_retry_after(store, clock):
    await queued(store, clock, Subscription(A, created_at=clock()))
    pub = FakePublisher("discord", clock)
    pub.fail(A, Delivery(Outcome.RETRY, retry_after=30.0, detail="429"))
    d = deliverer(store, clock, pub)
    start = clock()
    first = await d.pass_once(start)
    assert (first.retried, first.delivered, first.next_wait) == (1, 0, 30.0)
    assert (await d.pass_once(start + timedelta(seconds=29.9))).delivered == 0
    assert (await d.pass_once(start + timedelta(seconds=30))).delivered == 1
    assert pub.calls[0] == pub.calls[1]  # the same idempotency key on the retry
    assert await states(store) == [(1, "delivered", 2)]


async def test_run_sleeps_through_a_short_retry_on_the_injected_clock(store, clock):
    await queued(store, clock, Subscription(A, created_at=clock()))
    pub = FakePublisher("discord", clock)
    pub.fail(A, Delivery(Outcome.RETRY, retry_after=0.0), Delivery(Outcome.RETRY, retry_after=0.0))
    spreads = iter([0.0, 0.5])
    stats = await deliverer(store, clock, pub, spread=spreads.__next__, backoff_initial_seconds=2.0).run()
    assert (stats.retried, stats.delivered) == (2, 1)
    # Exponential when the platform names no wait (ceilings 2 s, 4 s), jittered over their upper half.
    assert clock.slept == [1.0, 3.0]


async def test_a_gone_channel_disables_its_subscriptions_once(store, clock, caplog):
    (a1, a2, b), source, poller = await queued(
        store, clock, Subscription(A, created_at=clock()), Subscription(A, Filters(gender="M"), created_at=clock()),
        Subscription(B, created_at=clock()))
    pub = FakePublisher("discord", clock)
    pub.fail(A, Delivery(Outcome.GONE, detail="404 10003 Unknown Channel"))
    with caplog.at_level(logging.WARNING, logger="bot.announce.delivery"):
        stats = await deliverer(store, clock, pub).run()
    assert (stats.gone, stats.delivered) == (1, 1)
    assert [p.channel for p in pub.posted] == [B]
    assert [r.getMessage() for r in caplog.records].count(
        "channel discord:1:100 is gone (404 10003 Unknown Channel): 2 subscription(s) disabled") == 1
    assert [s.id for s in await store.subscriptions()] == [b.id]
    assert await states(store) == [(a1.id, "dropped", 0), (a2.id, "dropped", 0), (b.id, "delivered", 1)]
    source.add(race_rows("5000m", "W", WOMEN_5000))
    await poller.poll_once(clock())
    assert [s[0] for s in await states(store)][3:] == [b.id]  # nothing more for the gone channel


async def test_a_send_whose_answer_is_lost_is_retried_with_the_same_key_and_posted_once(store, clock):
    await queued(store, clock, Subscription(A, created_at=clock()), Subscription(B, created_at=clock()))
    pub = FakePublisher("discord", clock)
    [(race,)] = await fetch_rows(store, "SELECT id FROM races")
    pub.raise_after_post.add(f"racebot:1:{race}:1")
    d = deliverer(store, clock, pub)
    first = await d.pass_once(clock())
    assert (first.delivered, first.retried) == (1, 1)
    assert await states(store) == [(1, "pending", 1), (2, "delivered", 1)]
    clock.advance(2.0)
    assert (await d.pass_once(clock())).delivered == 1
    assert pub.calls.count(f"racebot:1:{race}:1") == 2 and len(pub.posted) == 2


async def connections_back(store) -> None:
    """PostgreSQL: a mark cancelled with its task may still have committed on the server; once the
    pool has its connections back, the server is done with them (SQLite's writer already is)."""
    pool = getattr(store, "pool", None)
    # generous: on a loaded machine (the whole suite on two workers) a cancelled query's connection
    # took more than the 5 s this once waited, and the test then read the states too early
    for _ in range(3000):
        if pool is None or pool.get_idle_size() == pool.get_size():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the pool's connections did not come back within 30 s")


async def test_a_worker_killed_mid_fan_out_loses_nothing_and_posts_nothing_twice(store, clock):
    channels = [ChannelRef("discord", "1", str(1000 + i)) for i in range(50)]
    await queued(store, clock, *[Subscription(c, created_at=clock()) for c in channels])
    pub = FakePublisher("discord", clock)
    doomed = asyncio.create_task(deliverer(store, clock, pub, concurrency=8, lease_seconds=60).run())
    sent = pub.send

    async def send_then_die(channel, reply, key):
        answer = await sent(channel, reply, key)
        if len(pub.posted) == 20:
            # The process dies right after a post, before it is marked: this send never returns.
            # (Only cancelling would race: on PostgreSQL the mark may reach the server first.)
            doomed.cancel()
            await asyncio.Event().wait()
        return answer

    pub.send = send_then_die
    with pytest.raises(asyncio.CancelledError):
        await doomed
    await connections_back(store)
    delivered_before = sum(1 for s in await states(store) if s[1] == "delivered")
    assert delivered_before < len(pub.posted) and 20 <= len(pub.posted) < 50
    pub.send = sent
    clock.advance(121)  # the dead worker's leases lapse, and one more lease passes before a takeover
    stats = await deliverer(store, clock, pub).run()
    assert stats.delivered == 50 - delivered_before
    assert sorted(pub.keys) == sorted(set(pub.keys)) and len(pub.keys) == 50
    assert all(s[1] == "delivered" for s in await states(store))


async def test_rate_limits_hold_per_platform_and_per_channel(store, clock):
    channels = [ChannelRef("discord", "1", str(1000 + i)) for i in range(30)]
    races = [(e, "M", MEN_1500) for e in ("800m", "1500m", "5000m")]
    await queued(store, clock, *[Subscription(c, created_at=clock()) for c in channels], races=races)
    pub = FakePublisher("discord", clock)
    limits = {"discord": {"per_second": 10, "burst": 1, "channel_per_second": 0.5, "channel_burst": 1}}
    start = clock()
    stats = await deliverer(store, clock, pub, limits=limits, budget_seconds=600).run()
    assert stats.delivered == 90
    seconds = [(p.at - start).total_seconds() for p in pub.posted]
    per_second = [sum(1 for s in seconds if k <= s < k + 1) for k in range(int(max(seconds)) + 1)]
    assert max(per_second) <= 10
    for c in channels:
        times = [(p.at - start).total_seconds() for p in pub.posted if p.channel == c]
        assert all(b - a >= 2 - 1e-6 for a, b in zip(times, times[1:]))  # 0.5 per second in a channel
    assert 8.5 <= stats.delivered / (max(seconds) or 1) <= 10.5  # the platform limit is the bottleneck


async def test_spoiler_delay_and_time_zone(store, clock):
    await queued(store, clock, Subscription(A, spoiler="hide", delay_minutes=10, timezone="Europe/Oslo",
                                            created_at=clock()))
    pub = FakePublisher("discord", clock)
    d = deliverer(store, clock, pub)
    assert (await d.run()).delivered == 0
    clock.advance(9 * 60 + 59)
    assert (await d.run()).delivered == 0
    clock.advance(1)
    assert (await d.run()).delivered == 1
    reply = pub.posted[0].reply
    assert reply.spoiler and reply.footer.endswith("Result in at 21:00 CEST")


async def test_rows_for_a_platform_not_running_wait_without_blocking_others(store, clock):
    slack = ChannelRef("slack", "T1", "C1")
    await queued(store, clock, Subscription(slack, created_at=clock()), Subscription(A, created_at=clock()))
    pub = FakePublisher("discord", clock)
    stats = await deliverer(store, clock, pub, batch=1).run()  # room for one row a pass: the Discord one
    assert (stats.delivered, [p.channel for p in pub.posted]) == (1, [A])
    assert await states(store) == [(1, "pending", 0), (2, "delivered", 1)]


async def test_a_row_that_cannot_be_rendered_fails_alone(store, clock, caplog):
    await queued(store, clock, Subscription(A, created_at=clock()), Subscription(B, created_at=clock()))
    pub = FakePublisher("discord", clock)
    announcer = Announcer(store)

    async def render(item):
        if item.subscription.channel == A:
            raise KeyError("a bug")
        return await announcer.render(item)

    d = Deliverer(store, render, {"discord": pub}, RateLimits(), DeliverySettings(), clock=clock, sleep=clock.sleep)
    with caplog.at_level(logging.ERROR, logger="bot.announce.delivery"):
        stats = await d.run()
    assert (stats.failed, stats.delivered, [p.channel for p in pub.posted]) == (1, 1, [B])
    assert await states(store) == [(1, "failed", 1), (2, "delivered", 1)]


async def test_a_rejected_row_fails_once_logged_and_is_not_sent_again(store, clock, caplog):
    await queued(store, clock, Subscription(A, created_at=clock()), Subscription(B, created_at=clock()))
    pub = FakePublisher("discord", clock)
    pub.fail(A, Delivery(Outcome.REJECTED, detail="400 50035 Invalid Form Body"))
    with caplog.at_level(logging.ERROR, logger="bot.announce.delivery"):
        stats = await deliverer(store, clock, pub).run()
    assert (stats.failed, stats.delivered, stats.retried) == (1, 1, 0)
    assert [r.getMessage() for r in caplog.records] == ["outbox row 1 rejected by discord: 400 50035 Invalid Form Body"]
    assert await states(store) == [(1, "failed", 1), (2, "delivered", 1)]
    [(detail,)] = await fetch_rows(store, "SELECT detail FROM outbox WHERE id = 1")
    assert detail == "rejected: 400 50035 Invalid Form Body"
    calls = len(pub.calls)
    clock.advance(3600)
    assert (await deliverer(store, clock, pub).run()).failed == 0 and len(pub.calls) == calls  # a bug: no retry


async def test_a_row_held_back_by_the_platform_limit_is_released_not_left_in_doubt(store, clock):
    await queued(store, clock, Subscription(A, created_at=clock()), Subscription(B, created_at=clock()))
    pub = FakePublisher("discord", clock)
    limits = {"discord": {"per_second": 0.1, "burst": 1, "channel_per_second": 0, "channel_burst": 0}}
    d = deliverer(store, clock, pub, limits=limits)  # one send, then the next slot is 10 s away
    first = await d.pass_once(clock())
    assert (first.delivered, first.deferred) == (1, 1)
    [held] = await fetch_rows(store,
        "SELECT token, attempts, lease_until, in_doubt FROM outbox WHERE state = 'pending'")
    assert tuple(held) == (1, 0, None, 0)  # claimed (its token moved), then let go: no lease, nothing in doubt
    clock.advance(10)
    assert (await d.pass_once(clock())).delivered == 1
    assert pub.doubts == [] and len(pub.keys) == len(set(pub.keys)) == 2  # no look in the channel needed
