"""Follow alerts through the real discord.py path and the fake Discord: /follow, a race comes in,
the real Deliverer opens the follower's DM and posts once; a closed DM is GONE; digests."""
from __future__ import annotations

from datetime import date

import pytest

from adapters.discord.publisher import ChannelPublisher
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.message import Announcer
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.commands.registry import Context
from fake_discord import CHANNEL_ID, GUILD_ID
from scheduler.sched_fakes import MEN_1500, WOMEN_5000, FakeClock, ListSource, race_rows

FAN = Context(user_id="4242", user_name="fan", channel=ChannelRef("discord", GUILD_ID, CHANNEL_ID))
PARIS = dict(competition="Meeting de Paris", venue="Paris", day=date(2024, 6, 7))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def core(clocked_results_only_core):
    return clocked_results_only_core


async def _run(core, clock, logged_in, *follows: str):
    for text in follows:
        assert not (reply := await core.handle_text(text, FAN)).error, reply.plain_text()
    source = ListSource()
    poller = Poller(source, core.store)
    await poller.poll_once(clock())  # the source's first poll: a baseline
    publisher = ChannelPublisher()
    publisher.client = logged_in
    announcer = Announcer(core.store)
    deliverer = Deliverer(core.store, announcer.render, {"discord": publisher}, RateLimits(), DeliverySettings(),
                          clock=clock, sleep=clock.sleep, render_digest=announcer.render_digest)
    return source, poller, deliverer


async def test_follow_a_race_arrives_the_dm_is_posted_once(core, clock, fake, logged_in):
    source, poller, deliverer = await _run(core, clock, logged_in, "/follow Kerr")
    source.add(race_rows("1500m", "M", MEN_1500, **PARIS))
    await poller.poll_once(clock())
    assert (await deliverer.run()).delivered == 1
    assert (await deliverer.run()).delivered == 0
    [message] = fake.channel_messages[fake.dm_channels["4242"]]
    embed = message["embeds"][0]
    assert embed["title"] == "Men's 1500m · Meeting de Paris, 2024-06-07"
    assert "Josh Kerr" in embed["description"] and "Kerr v Ingebrigtsen: level 2–2 in 4 meetings." in embed["description"]
    assert CHANNEL_ID not in fake.channel_messages  # nothing in the channel the follow was made in


async def test_a_closed_dm_is_gone_once_and_reported(core, clock, fake, logged_in):
    source, poller, deliverer = await _run(core, clock, logged_in, "/follow Kerr")
    fake.closed_dms.add("4242")
    source.add(race_rows("1500m", "M", MEN_1500, **PARIS))
    await poller.poll_once(clock())
    assert (await deliverer.run()).gone == 1
    source.add(race_rows("5000m", "W", WOMEN_5000 + [(4, "Josh Kerr", "GBR", "13:10.00")], **PARIS))
    await poller.poll_once(clock())
    clock.advance(3600)
    await deliverer.run()
    assert len(fake.requests_to("POST", r"^/channels/\d+/messages$")) == 1  # never retried
    listed = await core.handle_text("/following", FAN)
    assert "I could not send you a direct message" in listed.plain_text()


async def test_several_alerts_in_the_window_are_one_dm(core, clock, fake, logged_in):
    source, poller, deliverer = await _run(core, clock, logged_in, "/follow Kerr", '/follow "Beatrice Chebet"')
    source.add(race_rows("1500m", "M", MEN_1500, **PARIS))
    await poller.poll_once(clock())
    await deliverer.run()
    clock.advance(60)
    source.add(race_rows("5000m", "W", WOMEN_5000, **PARIS)
               + race_rows("1500m", "M", [(p, n, c, m.replace("3:3", "3:4")) for p, n, c, m in MEN_1500],
                           competition="Golden Gala", venue="Rome", day=date(2024, 6, 14)))
    await poller.poll_once(clock())
    assert (await deliverer.run()).delivered == 0  # within the window: held
    clock.advance(600)
    assert (await deliverer.run()).delivered == 2
    first, digest = fake.channel_messages[fake.dm_channels["4242"]]
    assert digest["embeds"][0]["title"] == "2 results for you"
