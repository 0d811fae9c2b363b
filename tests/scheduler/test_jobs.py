"""The APScheduler wrappers: never overlapping, coalescing, run in the test's own event loop."""
from __future__ import annotations

import asyncio

from bot.announce.message import Announcer
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.jobs import Jobs, utc_now
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.announce.subscriptions import Subscription
from sched_fakes import MEN_1500, FakePublisher, ListSource, race_rows

A = ChannelRef("console", "", "terminal")


async def until(predicate, seconds: float = 10.0) -> None:
    """Wait for a condition with a bounded deadline (no fixed sleeps)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def _nothing(*_):
    return None


def test_every_job_is_single_instance_coalescing_and_never_dropped_as_late():
    jobs = Jobs()
    jobs.add_poll("poll:test", _nothing, 60)
    jobs.add_delivery("deliver:test", _nothing, 2)
    found = {j.id: j for j in jobs.scheduler.get_jobs()}
    assert set(found) == {"poll:test", "deliver:test"}
    for job in found.values():
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, None)
    assert found["poll:test"].trigger.interval.total_seconds() == 60


async def test_a_busy_job_runs_once_more_instead_of_overlapping():
    jobs = Jobs()
    runs, started, release = [], asyncio.Event(), asyncio.Event()

    async def body():
        runs.append(len(runs))
        started.set()
        await release.wait()

    jobs.add_delivery("deliver:test", body, 3600)
    jobs.start()
    try:
        await asyncio.wait_for(started.wait(), 10)
        for _ in range(3):
            jobs.run_soon("deliver:test")  # three kicks while busy
        release.set()
        await until(lambda: len(runs) == 2)
        for _ in range(20):
            await asyncio.sleep(0)
        assert len(runs) == 2  # one more round, not three, and never two at once
    finally:
        jobs.shutdown()


async def test_poll_then_delivery_in_the_running_loop(store, clock):
    sub = await store.add_subscription(Subscription(A, created_at=clock()))
    source = ListSource([], race_rows("1500m", "M", MEN_1500))
    pub = FakePublisher("console")
    jobs = Jobs()
    deliverer = Deliverer(store, Announcer(store).render, {"console": pub}, RateLimits(), DeliverySettings(),
                          clock=utc_now)
    jobs.add_delivery("deliver:main", deliverer.run, 3600)  # only a kick from the poll can make it run again

    async def on_poll(report):
        if report.announcements:
            jobs.run_soon("deliver:main")

    jobs.add_poll("poll:test", Poller(source, store, on_poll=on_poll).step, 0.05)
    jobs.start()
    try:
        await until(lambda: len(pub.posted) == 1)
    finally:
        jobs.shutdown()
    assert pub.posted[0].key.startswith(f"racebot:{sub.id}:")
