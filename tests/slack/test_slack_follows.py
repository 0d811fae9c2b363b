"""Follow alerts through slack_sdk and the fake Slack: /follow, a race comes in, the real Deliverer
opens the follower's DM (conversations.open) and posts once; a user Slack will not DM is GONE."""
from __future__ import annotations

from datetime import date

import pytest

from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.message import Announcer
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.commands.registry import Context
from scheduler.sched_fakes import MEN_1500, FakeClock, ListSource, race_rows

FAN = Context(user_id="U0FAN", user_name="fan", channel=ChannelRef("slack", "T0TEAM", "C0RESULTS"))
PARIS = dict(competition="Meeting de Paris", venue="Paris", day=date(2024, 6, 7))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def core(clocked_results_only_core):
    return clocked_results_only_core


async def _deliver_a_race(core, clock, publisher, *follows: str):
    for text in follows:
        assert not (reply := await core.handle_text(text, FAN)).error, reply.plain_text()
    source = ListSource()
    poller = Poller(source, core.store)
    await poller.poll_once(clock())  # the source's first poll: a baseline
    source.add(race_rows("1500m", "M", MEN_1500, **PARIS))
    await poller.poll_once(clock())
    announcer = Announcer(core.store)
    deliverer = Deliverer(core.store, announcer.render, {"slack": publisher}, RateLimits(), DeliverySettings(),
                          clock=clock, sleep=clock.sleep, render_digest=announcer.render_digest)
    first = await deliverer.run()
    clock.advance(3600)
    await deliverer.run()
    return first


async def test_follow_a_race_arrives_the_dm_is_posted_once(core, clock, fake_slack, publisher):
    stats = await _deliver_a_race(core, clock, publisher, "/follow Kerr v Ingebrigtsen")
    assert stats.delivered == 1
    [post] = fake_slack.posts
    assert post["channel"] == "DU0FAN"
    assert [c.args["users"] for c in fake_slack.calls if c.method == "conversations.open"] == ["U0FAN"]
    assert "Kerr v Ingebrigtsen: level 2–2 in 4 meetings." in post["text"]


async def test_a_user_slack_will_not_dm_is_gone(core, clock, fake_slack, publisher):
    fake_slack.gone_users.add("U0FAN")
    stats = await _deliver_a_race(core, clock, publisher, "/follow Kerr")
    assert stats.gone == 1 and fake_slack.posts == []
    assert len([c for c in fake_slack.calls if c.method == "conversations.open"]) == 1  # never retried
    assert (await core.store.follows(ChannelRef.for_user("slack", "T0TEAM", "U0FAN")))[0].gone_at is not None
