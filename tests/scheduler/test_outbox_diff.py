"""A poll stores results and writes the outbox in one transaction: one row per matching
subscription per final, nothing twice, baselines first, corrections that say what changed."""
from __future__ import annotations

import asyncio

from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.message import Announcer
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.announce.subscriptions import Filters, Subscription
from sched_fakes import MEN_1500, WOMEN_5000, FakePublisher, ListSource, race_rows
from storage.sqlite import SqliteStore

A = ChannelRef("discord", "1", "100")
B = ChannelRef("discord", "1", "200")
C = ChannelRef("slack", "T1", "C300")


async def outbox(store) -> list[tuple]:
    rows = await store.conn.execute_fetchall(
        "SELECT subscription_id, race_id, revision, kind, note, state FROM outbox ORDER BY id")
    return [tuple(r) for r in rows]


async def ready(store, clock, *subs: Subscription) -> tuple[list[Subscription], ListSource, Poller]:
    """Subscriptions made, then a first (empty) poll: the source's and their baseline."""
    made = [await store.add_subscription(s) for s in subs]
    source = ListSource()
    poller = Poller(source, store)
    assert (await poller.poll_once(clock())).baseline
    return made, source, poller


async def test_first_poll_of_a_source_is_a_baseline(store, clock):
    await store.add_subscription(Subscription(A, created_at=clock()))
    source = ListSource(race_rows("1500m", "M", MEN_1500), race_rows("5000m", "W", WOMEN_5000))
    poller = Poller(source, store)
    first = await poller.poll_once(clock())
    assert (first.baseline, first.races_changed, first.announcements) == (True, 1, 0)
    second = await poller.poll_once(clock())
    assert (second.baseline, second.races_changed, second.announcements) == (False, 1, 1)
    assert [r[3] for r in await outbox(store)] == ["result"]
    assert source.committed == 2


async def test_one_row_per_matching_subscription_and_a_repeat_adds_nothing(store, clock):
    (every, men1500, women, worlds), source, poller = await ready(
        store, clock,
        Subscription(A, created_at=clock()),
        Subscription(B, Filters(events=("1500",), gender="M"), created_at=clock()),
        Subscription(C, Filters(gender="W"), created_at=clock()),
        Subscription(C, Filters(series=("World Championships",)), created_at=clock()))
    rows = race_rows("1500m", "M", MEN_1500)
    source.add(rows)
    report = await poller.poll_once(clock())
    assert (report.races_changed, report.announcements) == (1, 2)
    assert sorted(r[0] for r in await outbox(store)) == [every.id, men1500.id]
    source.add(rows)  # the same results again, as a source re-sending a page would
    again = await poller.poll_once(clock())
    assert (again.races_changed, again.announcements) == (0, 0)
    assert len(await outbox(store)) == 2
    [(results,)] = await store.conn.execute_fetchall("SELECT count(*) FROM results")
    assert results == len(MEN_1500)


async def test_a_new_subscription_takes_its_first_poll_as_baseline(store, clock):
    (old,), source, poller = await ready(store, clock, Subscription(A, created_at=clock()))
    new = await store.add_subscription(Subscription(B, created_at=clock()))
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    assert [r[0] for r in await outbox(store)] == [old.id]  # the newcomer's first poll: nothing for it
    source.add(race_rows("5000m", "W", WOMEN_5000))
    await poller.poll_once(clock())
    assert sorted(r[0] for r in await outbox(store))[1:] == sorted([old.id, new.id])


async def test_an_incomplete_first_poll_does_not_use_up_the_baseline(store, clock):
    await store.add_subscription(Subscription(A, created_at=clock()))
    source = ListSource()
    source.add([], errors=["World Athletics answered 502"])
    poller = Poller(source, store)
    assert (await poller.poll_once(clock())).baseline
    source.add(race_rows("1500m", "M", MEN_1500))  # the week of backlog arrives once the API is back
    backlog = await poller.poll_once(clock())
    assert (backlog.baseline, backlog.announcements) == (True, 0)


async def _announced(store, clock, source, poller) -> FakePublisher:
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    publisher = FakePublisher("discord", clock)
    deliverer = Deliverer(store, Announcer(store).render, {"discord": publisher}, RateLimits(),
                          DeliverySettings(), clock=clock, sleep=clock.sleep)
    assert (await deliverer.run()).delivered == 1
    return publisher


async def test_a_dq_after_the_announcement_is_a_correction_saying_what_changed(store, clock):
    (sub,), source, poller = await ready(store, clock, Subscription(A, created_at=clock()))
    await _announced(store, clock, source, poller)
    dq = [MEN_1500[0], (None, "Josh Kerr", "GBR", "DQ"), (2, "Timothy Cheruiyot", "KEN", "3:31.00"),
          (3, "Abel Kipsang", "KEN", "3:31.50"), (4, "Narve Gilje Nordås", "NOR", "3:32.00")]
    source.add(race_rows("1500m", "M", dq))
    report = await poller.poll_once(clock())
    assert report.announcements == 1
    rows = await outbox(store)
    assert [(r[2], r[3], r[5]) for r in rows] == [(1, "result", "delivered"), (2, "correction", "pending")]
    note = rows[1][4]
    assert "Josh Kerr disqualified (was 2nd, 3:30.10)" in note
    assert "Timothy Cheruiyot now 2nd (was 3rd)" in note and "Abel Kipsang now 3rd (was 4th)" in note
    assert "1 more place changed" in note
    [item] = await store.due_rows(clock(), 5, 10)
    reply = await Announcer(store).render(item)
    assert reply.title.startswith("Correction: Men's 1500m")
    assert reply.paragraphs[0].text.startswith("Correction: Josh Kerr disqualified")
    source.add(race_rows("1500m", "M", dq))
    assert (await poller.poll_once(clock())).announcements == 0  # the correction is not repeated


async def test_a_changed_mark_is_a_correction_too(store, clock):
    _, source, poller = await ready(store, clock, Subscription(A, created_at=clock()))
    await _announced(store, clock, source, poller)
    fixed = [MEN_1500[0], (2, "Josh Kerr", "GBR", "3:30.11")] + MEN_1500[2:]
    source.add(race_rows("1500m", "M", fixed))
    await poller.poll_once(clock())
    assert (await outbox(store))[-1][3:5] == ("correction", "Josh Kerr's mark corrected to 3:30.11 (was 3:30.10).")


async def test_a_change_before_delivery_replaces_the_waiting_row(store, clock):
    _, source, poller = await ready(store, clock, Subscription(A, created_at=clock()))
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    source.add(race_rows("1500m", "M", [MEN_1500[0], (None, "Josh Kerr", "GBR", "DQ")] + MEN_1500[2:]))
    await poller.poll_once(clock())
    assert [(r[2], r[3], r[5]) for r in await outbox(store)] == [(1, "result", "superseded"), (2, "result", "pending")]


async def test_two_pollers_at_once_do_not_double_the_outbox(store, clock, tmp_path):
    (sub,), _, _ = await ready(store, clock, Subscription(A, created_at=clock()))
    other = await SqliteStore.open(tmp_path / "racebot.db")  # a second process, in effect
    try:
        rows = race_rows("1500m", "M", MEN_1500)
        pollers = [Poller(ListSource(rows), s, holder=h) for s, h in ((store, "one"), (other, "two"),
                                                                      (store, "three"))]
        reports = await asyncio.gather(*(p.poll_once(clock()) for p in pollers))
        assert sum(r.announcements for r in reports) == 1  # whichever ran first; the others skip or find nothing
        assert len(await outbox(store)) == 1
        [(races,)] = await store.conn.execute_fetchall("SELECT count(*) FROM races")
        assert races == 1
    finally:
        await other.close()


async def test_an_import_is_not_news_but_its_corrections_are(store, clock):
    from history_import import import_as_history

    _, source, poller = await ready(store, clock, Subscription(A, created_at=clock()))
    await import_as_history(store, race_rows("5000m", "W", WOMEN_5000), "backfill", clock())
    assert await outbox(store) == []  # a backfilled race is recorded, not announced
    source.add(race_rows("5000m", "W", WOMEN_5000))
    assert (await poller.poll_once(clock())).announcements == 0  # nor by the next poll that sees it
    await _announced(store, clock, source, poller)
    fixed = [MEN_1500[0], (2, "Josh Kerr", "GBR", "3:30.11")] + MEN_1500[2:]
    await import_as_history(store, race_rows("1500m", "M", fixed), "fix.csv", clock())
    assert [r[3] for r in await outbox(store)] == ["result", "correction"]


async def test_a_respelt_name_or_a_new_record_flag_is_no_correction(store, clock):
    _, source, poller = await ready(store, clock, Subscription(A, created_at=clock()))
    await _announced(store, clock, source, poller)
    await store.conn.execute("UPDATE athletes SET name = 'Jakob INGEBRIGTSEN' WHERE name = 'Jakob Ingebrigtsen'")
    rows = race_rows("1500m", "M", MEN_1500)
    rows[0].flags = ("WL", "MR")
    source.add(rows)
    report = await poller.poll_once(clock())
    assert (report.races_changed, report.announcements) == (0, 0)
