"""Subscriptions: the filters match what they say, and the commands run through the real core."""
from __future__ import annotations

from datetime import date

import pytest

from bot.commands.registry import Context
from bot.domain.models import Competition, Race
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Filters, canonical_series

A = ChannelRef("slack", "T1", "C100")
ADMIN = Context(user_id="u1", user_name="ann", channel=A, timezone="Europe/Oslo", is_admin=True)
MEMBER = Context(user_id="u2", user_name="bob", channel=A, is_admin=False)


def comp(name="Bislett Games", series="Diamond League", year=2025) -> Competition:
    return Competition(1, name, "Oslo", "NOR", date(year, 6, 12), date(year, 6, 12), series)


def race(event="1500", gender="M", rnd="final") -> Race:
    return Race(1, 1, event, gender, rnd, 1, date(2025, 6, 12))


@pytest.mark.parametrize("filters, race_, comp_, athletes, expected", [
    (Filters(), race(), comp(), {1}, True),
    (Filters(), race(rnd="heat"), comp(), {1}, False),  # finals only unless asked
    (Filters(finals_only=False), race(rnd="heat"), comp(), {1}, True),
    (Filters(series=("Diamond League",)), race(), comp(series="Wanda Diamond League"), {1}, True),
    (Filters(series=("World Championships",)), race(), comp(series="World Athletics Championships"), {1}, True),
    (Filters(series=("World Championships",)), race(), comp(series="World Athletics Indoor Championships"), {1}, False),
    (Filters(series=("Diamond League",)), race(), comp(series="World Championships"), {1}, False),
    (Filters(competitions=("Bislett Games",)), race(), comp(year=2031), {1}, True),  # every year
    (Filters(competitions=("Bislett Games",)), race(), comp(name="ExxonMobil Bislett Games"), {1}, True),
    (Filters(competitions=("Bislett Games",)), race(), comp(name="Golden Gala"), {1}, False),
    (Filters(events=("1500", "5000")), race(event="5000"), comp(), {1}, True),
    (Filters(events=("1500",)), race(event="800"), comp(), {1}, False),
    (Filters(gender="W"), race(gender="M"), comp(), {1}, False),
    (Filters(gender="W"), race(gender="W"), comp(), {1}, True),
    (Filters(athletes=(7, 9)), race(), comp(), {1, 9}, True),
    (Filters(athletes=(7,)), race(), comp(), {1, 9}, False),
    (Filters(series=("Diamond League",), events=("1500",), gender="M", athletes=(1,)), race(), comp(), {1}, True),
])
def test_filters(filters, race_, comp_, athletes, expected):
    assert filters.matches(race_, comp_, athletes) is expected


def test_series_aliases():
    assert canonical_series("dl") == canonical_series("Diamond League") == "Diamond League"
    assert canonical_series("worlds") == "World Championships"
    assert canonical_series("olympics") == "Olympic Games"
    assert canonical_series("grand prix") is None


async def test_subscribe_is_for_channel_admins_only(core):
    inv = core.parse_words("subscribe", "series:dl")
    refused = await core.handle(inv, MEMBER)
    assert refused.error and refused.paragraphs[0].text == "Only channel admins can do that."
    assert await core.store.subscriptions() == []
    unsub = await core.handle(core.parse_words("unsubscribe", ""), MEMBER)
    assert unsub.error
    listed = await core.handle(core.parse_words("subscriptions", ""), MEMBER)  # anyone may look
    assert not listed.error and listed.paragraphs[0].text == "This channel has no subscriptions."


async def test_subscribe_stores_what_was_asked(core):
    reply = await core.handle_text(
        '/subscribe series:dl 1500m women spoiler delay:30 kipyegon, "Beatrice Chebet"', ADMIN)
    assert not reply.error, reply.plain_text()
    [sub] = await core.store.subscriptions(A)
    f = sub.filters
    assert (f.series, f.events, f.gender, f.competitions) == (("Diamond League",), ("1500",), "W", ())
    assert f.athlete_names == ("Faith Kipyegon", "Beatrice Chebet") and len(f.athletes) == 2
    assert (sub.spoiler, sub.delay_minutes, sub.timezone, sub.created_by) == ("hide", 30, "Europe/Oslo", "ann")
    assert f.finals_only and not sub.baselined
    assert not (await core.handle_text("/subscribe oslo", ADMIN)).error  # a meeting, followed every year
    assert (await core.store.subscriptions(A))[1].filters.competitions == ("Bislett Games",)


@pytest.mark.parametrize("text, series, names, tz", [
    ("/subscribe diamond league heats America/New_York", ("Diamond League",), (), "America/New_York"),
    ("/subscribe dl josh kerr", ("Diamond League",), ("Josh Kerr",), "Europe/Oslo"),  # 3 words, 3 name slots
    ('/subscribe worlds "Faith Kipyegon" "Femke Bol"', ("World Championships",), (), "Europe/Oslo"),
    ('/subscribe "Faith Kipyegon", "Femke Bol"', (), ("Faith Kipyegon", "Femke Bol"), "Europe/Oslo"),
    ("/subscribe kerr, cheruiyot timezone:UTC", (), ("Josh Kerr", "Timothy Cheruiyot"), "UTC"),
])
async def test_subscribe_reads_loose_words(core, text, series, names, tz):
    reply = await core.handle_text(text, ADMIN)
    if not names and '"' in text and "worlds" in text:  # two names without a comma: one unknown name
        assert reply.error and "Faith Kipyegon Femke Bol" in reply.paragraphs[0].text
        return
    assert not reply.error, reply.plain_text()
    [sub] = await core.store.subscriptions(A)
    assert (sub.filters.series, sub.filters.athlete_names, sub.timezone) == (series, names, tz)


async def test_subscribe_rejects_nonsense(core):
    for text, message in [("/subscribe series:qqzzseries", "I don't know a series or meeting called 'qqzzseries'."),
                          ("/subscribe timezone:Mars/Olympus", "'Mars/Olympus' is not a time zone I know."),
                          ("/subscribe athletes:zzzzqqqq", "I can't find an athlete called 'zzzzqqqq'."),
                          ("/subscribe zzzzqqqq", "I can't find an athlete called 'zzzzqqqq'."),
                          ("/subscribe delay:99999", "A delay of 99999 minutes is too long.")]:
        reply = await core.handle_text(text, ADMIN)
        assert reply.error and reply.paragraphs[0].text == message
    no_channel = await core.handle_text("/subscribe", Context(user_id="cli", is_admin=True))
    assert no_channel.error and no_channel.paragraphs[0].text == "Subscriptions belong to a channel."


async def test_list_and_unsubscribe(core):
    await core.handle_text("/subscribe 1500m", ADMIN)
    await core.handle_text("/subscribe 5000m", ADMIN)
    listed = await core.handle_text("/subscriptions", ADMIN)
    assert [row[1] for row in listed.table.rows] == ["1500m · finals · Europe/Oslo", "5000m · finals · Europe/Oslo"]
    first = listed.table.rows[0][0]
    assert not (await core.handle_text(f"/unsubscribe {first}", ADMIN)).error
    assert [s.filters.events for s in await core.store.subscriptions(A)] == [("5000",)]
    again = await core.handle_text(f"/unsubscribe {first}", ADMIN)
    assert again.error and again.paragraphs[0].text == f"This channel has no subscription {first}."
    assert (await core.handle_text("/unsubscribe", ADMIN)).data == {"ended": 1}
    assert await core.store.subscriptions(A) == []
