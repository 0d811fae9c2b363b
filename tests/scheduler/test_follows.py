"""Follows end to end through the real core, store, poller and delivery: /follow, a race comes in,
the follower's direct messages get it once; digests, limits, closed DMs, bad input, forgetting.
The platforms' own DM paths are tested against their fakes (tests/discord, tests/slack)."""
from __future__ import annotations

from datetime import date

import pytest

from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.follows import MAX_FOLLOWS, Follow
from bot.announce.message import Announcer
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.announce.ratelimit import RateLimits
from bot.commands.registry import Context
from sched_fakes import MEN_1500, WOMEN_5000, FakePublisher, ListSource, race_rows

HERE = ChannelRef("discord", "1", "100")
FAN = Context(user_id="42", user_name="fan", channel=HERE)
DM = ChannelRef.for_user("discord", "1", "42")
PARIS = dict(competition="Meeting de Paris", venue="Paris", day=date(2024, 6, 7))
# Another meeting a week later, other marks (the same marks would link it to Paris as one race).
ROME = race_rows("1500m", "M", [(p, n, c, m.replace("3:3", "3:4")) for p, n, c, m in MEN_1500],
                 competition="Golden Gala", venue="Rome", day=date(2024, 6, 14))


@pytest.fixture
def core(clocked_results_only_core):
    return clocked_results_only_core


class Run:
    """A poller over a list source and a deliverer to a fake Discord, on the test's clock."""

    def __init__(self, core, clock) -> None:
        self.core, self.clock = core, clock
        self.source = ListSource()
        self.poller = Poller(self.source, core.store)
        self.pub = FakePublisher("discord", clock)
        announcer = Announcer(core.store)
        self.deliverer = Deliverer(core.store, announcer.render, {"discord": self.pub}, RateLimits(),
                                   DeliverySettings(), clock=clock, sleep=clock.sleep,
                                   render_digest=announcer.render_digest)

    async def race(self, rows) -> int:
        self.source.add(rows)
        return (await self.poller.poll_once(self.clock())).announcements

    async def deliver(self):
        return await self.deliverer.run()


async def started(core, clock) -> Run:
    run = Run(core, clock)
    await run.poller.poll_once(clock())  # the source's first poll is a baseline
    return run


async def test_a_followed_athlete_races_and_the_dm_comes_once(core, clock):
    reply = await core.handle_text("/follow Kerr", FAN)
    assert not reply.error, reply.plain_text()
    assert reply.paragraphs[0].text == "You follow Josh Kerr."
    run = await started(core, clock)
    assert await run.race(race_rows("1500m", "M", MEN_1500, **PARIS)) == 1
    assert (await run.deliver()).delivered == 1
    assert (await run.deliver()).delivered == 0  # nothing twice
    [post] = run.pub.posted
    assert post.channel == DM and post.channel.user_id == "42"
    [follow] = await core.store.follows(DM)
    assert post.key.endswith(f":f{follow.id}")  # the key names the follow
    texts = [p.text for p in post.reply.paragraphs]
    assert texts[0] == "Josh Kerr: 2nd in 3:30.10."
    # Kerr's most frequent rival in this race is Ingebrigtsen (Kerr led 2-1 before it).
    assert texts[1] == "Kerr v Ingebrigtsen: level 2–2 in 4 meetings."
    assert not post.reply.spoiler
    assert post.reply.title == "Men's 1500m · Meeting de Paris, 2024-06-07"


async def test_a_race_without_the_athlete_sends_nothing_and_an_event_filter_holds(core, clock):
    assert not (await core.handle_text("/follow Kerr 5000m", FAN)).error
    run = await started(core, clock)
    assert await run.race(race_rows("1500m", "M", MEN_1500, **PARIS)) == 0  # Kerr ran, but not a 5000m
    assert await run.race(race_rows("5000m", "W", WOMEN_5000, **PARIS)) == 0  # no Kerr
    assert (await run.deliver()).delivered == 0 and run.pub.posted == []


async def test_a_rivalry_alerts_when_both_race_with_the_updated_record(core, clock):
    reply = await core.handle_text("/follow Kerr v Ingebrigtsen spoilers:on", FAN)
    assert not reply.error, reply.plain_text()
    assert reply.paragraphs[0].text == "You follow Josh Kerr v Jakob Ingebrigtsen · spoilers hidden."
    run = await started(core, clock)
    alone = [r for r in MEN_1500 if r[1] != "Josh Kerr"]
    assert await run.race(race_rows("1500m", "M", alone, **PARIS)) == 0
    assert await run.race(ROME) == 1
    await run.deliver()
    [post] = run.pub.posted
    assert post.reply.spoiler
    assert [p.text for p in post.reply.paragraphs] == [
        "Josh Kerr v Jakob Ingebrigtsen: Josh Kerr 2nd in 3:40.10, Jakob Ingebrigtsen 1st in 3:29.74.",
        "Kerr v Ingebrigtsen: level 2–2 in 4 meetings."]  # Paris, without Kerr, was no meeting


async def test_two_names_without_v_are_one_full_name_first(core):
    one = await core.handle_text("/follow Josh Kerr", FAN)
    assert one.data["rival"] == 0
    pair = await core.handle_text("/follow Kerr Cheruiyot", FAN)
    assert not pair.error and pair.data["rival"] != 0


async def test_alerts_within_the_window_come_as_one_digest(core, clock):
    for name in ("Kerr", '"Beatrice Chebet"', "Cheruiyot"):
        assert not (await core.handle_text(f"/follow {name}", FAN)).error
    run = await started(core, clock)
    await run.race(race_rows("1500m", "M", MEN_1500, **PARIS))
    assert (await run.deliver()).delivered == 1  # the first goes at once (one race: Kerr and Cheruiyot)
    clock.advance(60)
    await run.race(race_rows("5000m", "W", WOMEN_5000, **PARIS))
    clock.advance(60)
    await run.race(ROME)
    assert (await run.deliver()).delivered == 0  # held for the window
    clock.advance(9 * 60)
    stats = await run.deliver()
    assert stats.delivered == 2 and len(run.pub.posted) == 2  # two rows, one message
    digest = run.pub.posted[1].reply
    assert digest.title == "2 results for you"
    first = run.pub.posted[0].reply
    assert [p.text for p in first.paragraphs][::2] == ["Josh Kerr: 2nd in 3:30.10.",
                                                       "Timothy Cheruiyot: 3rd in 3:31.00."]
    assert (await run.deliver()).delivered == 0


async def test_a_closed_dm_is_gone_reported_once_and_never_retried(core, clock):
    assert not (await core.handle_text("/follow Kerr", FAN)).error
    run = await started(core, clock)
    run.pub.fail(DM, Delivery(Outcome.GONE, detail="403 50007 Cannot send messages to this user"))
    await run.race(race_rows("1500m", "M", MEN_1500, **PARIS))
    assert (await run.deliver()).gone == 1
    clock.advance(3600)
    await run.race(ROME)
    await run.deliver()
    assert run.pub.calls == [run.pub.calls[0]] and run.pub.posted == []  # asked once, never again
    listed = await core.handle_text("/following", FAN)
    assert "I could not send you a direct message" in listed.plain_text()
    assert listed.table.rows[0][2] == "DMs closed: no alerts"
    again = await core.handle_text("/following", FAN)
    assert "I could not send you a direct message" not in again.plain_text()  # once
    assert again.table.rows[0][2] == "DMs closed: no alerts"
    assert not (await core.handle_text("/follow Kerr", FAN)).error  # asked again: alerts resume
    assert (await core.store.follows(DM))[0].gone_at is None


async def test_at_most_fifty_follows_and_the_refusal_changes_nothing(core, clock):
    ids = sorted(core.indexes.athletes.stats)[:MAX_FOLLOWS + 1]
    for i in ids[:MAX_FOLLOWS]:
        await core.store.add_follow(Follow(DM, i, created_at=clock()), MAX_FOLLOWS)
    refused = await core.handle_text(f"/follow #{ids[-1]}", FAN)
    assert refused.error and refused.paragraphs[0].text == (
        "You already follow 50 athletes and rivalries, the most I keep.")
    assert len(await core.store.follows(DM)) == MAX_FOLLOWS
    assert not (await core.handle_text(f"/follow #{ids[0]}", FAN)).error  # the same again is no new one


@pytest.mark.parametrize("text, message", [
    ("/follow zzzzqqqq", "I can't find an athlete called 'zzzzqqqq'."),
    ("/follow Kerr when:sometimes", "'sometimes' is not a valid when."),
    ("/follow Kerr spoilers:maybe", "'maybe' is not a valid spoilers."),
    ("/follow v Kerr", "A rivalry needs a name on each side of 'v'."),
    ("/follow", "/follow needs athlete."),  # the core checks required parameters
    ("/unfollow 999", "You have no follow 999."),
    ("/unfollow zzzzqqqq", "You don't follow anyone called 'zzzzqqqq'."),
    ("/forget you", "Say /forget me to delete what racebot keeps about you."),
])
async def test_bad_input_is_a_friendly_error_and_changes_nothing(core, text, message):
    assert not (await core.handle_text("/follow Kerr", FAN)).error
    before = await core.store.follows(DM)
    reply = await core.handle_text(text, FAN)
    assert reply.error and reply.paragraphs[0].text == message, reply.plain_text()
    assert await core.store.follows(DM) == before


async def test_unfollow_all_and_forget_me_delete_follows_and_the_dm_id(core, clock):
    for name in ("Kerr", "Chebet"):
        await core.handle_text(f"/follow {name}", FAN)
    assert (await core.handle_text("/unfollow kerr", FAN)).data == {"ended": 1}
    assert (await core.handle_text("/unfollow all", FAN)).data == {"ended": 1}
    await core.handle_text("/follow Kerr", FAN)
    run = await started(core, clock)
    await run.race(race_rows("1500m", "M", MEN_1500, **PARIS))  # an alert waits, unsent
    assert (await core.handle_text("/forget me", FAN)).data == {"forgotten": 1}
    assert await core.store.follows(DM) == []
    assert [s for s in await core.store.subscriptions(include_inactive=True) if s.channel.user_id == "42"] == []
    assert (await run.deliver()).delivered == 0 and run.pub.posted == []


async def test_discords_two_options_are_a_rivalry_as_given(core):
    from bot.commands.registry import Invocation, Syntax

    on_discord = Context(user_id="42", channel=HERE, syntax=Syntax(options=True), clickable=True)
    pair = await core.handle(Invocation("follow", {"athlete": "Kerr", "rival": "Ingebrigtsen"}), on_discord)
    assert not pair.error and pair.paragraphs[0].text == "You follow Josh Kerr v Jakob Ingebrigtsen."
    typed = await core.handle(Invocation("follow", {"athlete": "Kerr v Cheruiyot"}), on_discord)
    assert typed.paragraphs[0].text == "You follow Josh Kerr v Timothy Cheruiyot."
    one = await core.handle(Invocation("follow", {"athlete": "Josh Kerr", "when": "both"}), on_discord)
    assert one.paragraphs[0].text == "You follow Josh Kerr · results and start lists."
