"""What /metrics counts of announcements and polls (racebot.metrics), fed by a real Deliverer and
Poller over a real store: sends by outcome, waits in line for a platform's rate limit, polls by
source and outcome."""
from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.message import Announcer
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.announce.ratelimit import RateLimits
from bot.announce.subscriptions import Subscription
from racebot.metrics import Metrics
from sched_fakes import MEN_1500, FakePublisher, ListSource, race_rows

ONE_A_SECOND = {"discord": {"per_second": 1, "burst": 1, "channel_per_second": 0, "channel_burst": 0}}


def samples(metrics: Metrics, pending: int | None = 0) -> dict[tuple, float]:
    text = metrics.exposition(pending).decode()
    return {(s.name, *sorted(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_sends_waits_and_polls_are_counted(store, clock):
    channels = [ChannelRef("discord", "1", f"{i}00") for i in range(4)]
    for channel in channels:
        await store.add_subscription(Subscription(channel, created_at=clock()))
    metrics = Metrics()
    reports = []

    async def on_poll(report) -> None:
        metrics.poll(report)
        reports.append(report)
    source = ListSource(name="wa")
    poller = Poller(source, store, on_poll=on_poll)
    await poller.step(clock())  # baseline
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.step(clock())
    await store.lease_source("wa", "another-process:1", clock(), clock() + timedelta(minutes=5))
    await poller.step(clock() + timedelta(seconds=1))  # that process polls it: this one skips

    pub = FakePublisher("discord", clock)
    pub.fail(channels[3], Delivery(Outcome.REJECTED, detail="bad embed"))
    deliverer = Deliverer(store, Announcer(store).render, {"discord": pub}, RateLimits(ONE_A_SECOND),
                          DeliverySettings(), clock=clock, sleep=clock.sleep)
    stats = await deliverer.run()
    metrics.delivery(stats)

    seen = samples(metrics, pending=7)
    assert len(pub.posted) == 3 and stats.failed == 1
    assert seen[("racebot_announcements_total", ("outcome", "sent"))] == 3
    assert seen[("racebot_announcements_total", ("outcome", "failed"))] == 1
    # one send a second: the 2nd, 3rd and 4th each waited in line about a second
    assert seen[("racebot_rate_limit_waits_total", ("kind", "queued"))] == 3
    assert 2.5 <= seen[("racebot_rate_limit_wait_seconds_total",)] <= 3.5
    assert [r.skipped for r in reports] == [False, False, True]
    assert seen[("racebot_source_polls_total", ("outcome", "ok"), ("source", "wa"))] == 2
    assert seen[("racebot_source_polls_total", ("outcome", "skipped"), ("source", "wa"))] == 1
    assert seen[("racebot_announcements_pending",)] == 7
