"""Announcements read like /results for the race, with one rivalry line where one exists.
Real bundled data: Ingebrigtsen, Kerr and Cheruiyot have history there. Every meeting of theirs is in
the archive and the seed (Cheruiyot has no career history), so the store without the histories
holds the same rivalries at a tenth of the cost of importing a poll."""
from __future__ import annotations

from datetime import date

import pytest

from bot.announce.message import Announcer
from bot.commands.registry import Context
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.replies import Moment
from bot.announce.ratelimit import RateLimits
from bot.announce.subscriptions import Subscription
from sched_fakes import MEN_1500, FakePublisher, ListSource, race_rows

A = ChannelRef("discord", "1", "100")
ADMIN = Context(user_id="u1", user_name="admin", channel=A, is_admin=True)


@pytest.fixture
def core(clocked_results_only_core):
    return clocked_results_only_core


PARIS = dict(competition="Meeting de Paris", venue="Paris", day=date(2024, 6, 7))


async def announce(core, clock, rows) -> FakePublisher:
    assert not (await core.handle_text("/subscribe", ADMIN)).error
    source = ListSource()
    poller = Poller(source, core.store)
    await poller.poll_once(clock())  # the subscription's baseline
    source.add(rows)
    assert (await poller.poll_once(clock())).announcements == 1
    pub = FakePublisher("discord", clock)
    d = Deliverer(core.store, Announcer(core.store).render, {"discord": pub}, RateLimits(), DeliverySettings(),
                  clock=clock, sleep=clock.sleep)
    assert (await d.run()).delivered == 1
    return pub


async def test_an_announcement_is_the_results_reply_plus_a_rivalry_line(core, clock):
    pub = await announce(core, clock, race_rows("1500m", "M", MEN_1500, **PARIS))
    reply = pub.posted[0].reply
    await core.start()  # the new meeting becomes searchable, as the runner does after a poll
    same = await core.handle_text("/results paris 2024 1500m", ADMIN)
    assert reply.title == same.title == "Men's 1500m · Meeting de Paris 2024"
    assert reply.table == same.table
    texts = [p.text for p in reply.paragraphs]
    assert texts[0] == "Jakob Ingebrigtsen won the 1500m in 3:29.74, 0.36 s ahead of Josh Kerr (3:30.10)."
    # Kerr led 2-1 before this race: the front two are the story.
    assert texts[-1] == "Ingebrigtsen and Kerr are now level 2–2."
    assert reply.footer.startswith("Paris, 2024-06-07")


async def test_the_line_names_who_leads(core, clock):
    rows = race_rows("1500m", "M", [(1, "Timothy Cheruiyot", "KEN", "3:30.00"),
                                    (2, "Jakob Ingebrigtsen", "NOR", "3:30.20")], **PARIS)
    pub = await announce(core, clock, rows)
    h2h = await core.handle_text('/h2h "Timothy Cheruiyot" "Jakob Ingebrigtsen"', ADMIN)
    wins = h2h.data["wins"]
    # He led before this race too: the lead did not change hands, so not "now leads"
    assert pub.posted[0].reply.paragraphs[-1].text == f"Cheruiyot leads Ingebrigtsen {wins['a']}–{wins['b']}."
    assert wins["a"] > wins["b"] >= 4  # 12–4 before this race: the virtual 2000m of 2020 is not a meeting


async def test_now_leads_only_when_the_race_gave_the_lead(core, clock):
    assert not (await core.handle_text("/subscribe", ADMIN)).error
    source = ListSource()
    poller = Poller(source, core.store)
    await poller.poll_once(clock())
    for n, day in enumerate((date(2024, 6, 7), date(2024, 6, 14), date(2024, 6, 21))):
        source.add(race_rows("1500m", "M", [(1, "Jakob Ingebrigtsen", "NOR", "3:30.00"), (2, "Josh Kerr", "GBR", "3:30.50")],
                             competition=f"Meeting {n}", venue="Paris", day=day))
        await poller.poll_once(clock())
    pub = FakePublisher("discord", clock)
    d = Deliverer(core.store, Announcer(core.store).render, {"discord": pub}, RateLimits(), DeliverySettings(),
                  clock=clock, sleep=clock.sleep)
    assert (await d.run()).delivered == 3
    lines = sorted((p.reply.footer, p.reply.paragraphs[-1].text) for p in pub.posted)
    # Kerr led 2–1 before the first of them
    assert [text for _, text in lines] == ["Ingebrigtsen and Kerr are now level 2–2.",
                                           "Ingebrigtsen now leads Kerr 3–2.", "Ingebrigtsen leads Kerr 4–2."]


async def test_no_line_for_athletes_who_have_rarely_met(core, clock):
    rows = race_rows("1500m", "M", [(1, "Nobody Known", "XXX", "3:40.00"), (2, "Someone Else", "YYY", "3:41.00")],
                     **PARIS)
    pub = await announce(core, clock, rows)
    assert [p.text for p in pub.posted[0].reply.paragraphs] == [
        "Nobody Known won the 1500m in 3:40.00, 1.00 s ahead of Someone Else (3:41.00)."]


async def test_channels_shown_a_race_alike_get_the_same_reply_object(store, clock):
    """So a publisher renders it for its platform once per race, not once per channel."""
    subs = [Subscription(ChannelRef("slack", "T1", f"C{i}"), created_at=clock()) for i in range(3)]
    subs += [Subscription(ChannelRef("slack", "T1", "C8"), timezone="Europe/Oslo", created_at=clock()),
             Subscription(ChannelRef("slack", "T1", "C9"), spoiler="hide", created_at=clock())]
    for sub in subs:
        await store.add_subscription(sub)
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    announcer = Announcer(store)
    items = sorted(await store.due_rows(clock(), 5, 100), key=lambda i: i.subscription.channel.channel)
    replies = [await announcer.render(i) for i in items]
    assert replies[0] is replies[1] is replies[2]
    assert replies[3] is not replies[0] and replies[3].footer.endswith("Result in at 21:00 CEST")
    assert replies[3].moments[-1] == Moment(items[3].created_at, "21:00 CEST", "time")  # the instant, for renderers
    assert replies[4] is not replies[0] and replies[4].spoiler and not replies[0].spoiler
    assert replies[0].footer.endswith("Result in at 19:00 UTC")
