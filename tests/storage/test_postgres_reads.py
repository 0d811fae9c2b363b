"""The PostgreSQL store answers exactly as the SQLite store it was copied from (issue 16).

The results-only store is copied once per worker (tests/pg_server.py); every read role is then
asked the same questions of both: whole indexes, and a sample of athletes, pairs, competitions.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from pg_server import both_stores as both, pg_results_only, pg_server  # noqa: F401  (fixtures)

from bot.indexes import Indexes

TODAY = date(2024, 9, 1)


async def test_indexes_loaded_from_either_store_are_the_same(both):
    lite, pg = both
    a, b = Indexes(), Indexes()
    await a.load(lite, TODAY)
    await b.load(pg, TODAY)
    assert len(a.athletes) > 5_000
    assert a.athletes.dump() == b.athletes.dump()
    assert a.competitions.dump() == b.competitions.dump()
    assert a.meetings.dump() == b.meetings.dump()
    assert (a.events, a.newest) == (b.events, b.newest)


async def _busiest(store, n: int) -> list[int]:
    stats = sorted(await store.athlete_stats(), key=lambda s: (-s.results, s.athlete.id))
    return [s.athlete.id for s in stats[:n]]


async def test_athletes_and_pairs_answer_alike(both):
    lite, pg = both
    ids = await _busiest(lite, 30)
    assert ids == await _busiest(pg, 30)
    pairs = sorted(await lite.pair_stats(ids, ids), key=lambda p: (p.a, p.b))
    assert len(pairs) > 20
    assert pairs == sorted(await pg.pair_stats(ids, ids), key=lambda p: (p.a, p.b))
    for p in pairs[:25]:
        assert await lite.meetings(p.a, p.b) == await pg.meetings(p.a, p.b)
    for a in ids[:10]:
        assert await lite.athlete_results(a) == await pg.athlete_results(a)
        assert await lite.stated_bests(a) == await pg.stated_bests(a)
    assert sorted(await lite.coverage(ids), key=repr) == sorted(await pg.coverage(ids), key=repr)


async def test_competitions_races_and_lists_answer_alike(both):
    lite, pg = both
    comps = sorted(await lite.competitions(), key=lambda c: c.id)
    assert comps == sorted(await pg.competitions(), key=lambda c: c.id)
    for comp in comps[::9]:
        races = await lite.race_results(comp.id, None)
        assert races and races == await pg.race_results(comp.id, None)
        event = races[0].race.event
        for code in {event, event.split("/")[0]}:
            assert await lite.race_results(comp.id, code) == await pg.race_results(comp.id, code)
        race_id = races[-1].race.id
        assert await lite.race(race_id) == await pg.race(race_id)
        assert await lite.other_versions(race_id) == await pg.other_versions(race_id)
    for event, gender in (("100", "M"), ("HJ", "W"), ("400H", "M"), ("PV", "W")):
        seasons = await lite.seasons(event, gender)
        assert seasons and seasons == await pg.seasons(event, gender)
        for season in (None, seasons[-1]):
            assert await lite.season_list(event, gender, season, 20) == await pg.season_list(event, gender, season, 20)
    assert await lite.upcoming(date(2019, 1, 1), 15) == await pg.upcoming(date(2019, 1, 1), 15)
    assert sorted(await lite.race_labels()) == sorted(await pg.race_labels())
    races = [r.race.id for r in await lite.race_results(comps[0].id, None)]
    assert await lite.results_for(races) == await pg.results_for(races)


async def test_identities_and_the_narrow_index_reads_answer_alike(both):
    lite, pg = both
    x, y = await lite.identities(), await pg.identities()
    for field in ("athletes", "competitions", "races", "aliases", "athlete_aliases"):
        assert sorted(getattr(x, field), key=repr) == sorted(getattr(y, field), key=repr), field
    assert (x.source_ids, x.race_keys) == (y.source_ids, y.race_keys)
    races = [r.race.id for r in await lite.race_results((await lite.competitions())[3].id, None)]
    assert await lite.race_entries_of(races) == [tuple(map(_same, r)) for r in await pg.race_entries_of(races)]
    ids = await _busiest(lite, 12)
    assert await lite.athlete_stats_of(ids, 8_000) == await pg.athlete_stats_of(ids, 8_000)
    assert await lite.athlete_aliases_of(ids) == await pg.athlete_aliases_of(ids)
    assert await lite.competitions_of(races, 170) == await pg.competitions_of(races, 170)
    comps = [c.id for c in (await lite.competitions())[:5]]
    assert sorted(await lite.race_labels_of(comps)) == sorted(await pg.race_labels_of(comps))
    assert await lite.change_head() == await pg.change_head() > 0
    assert await lite.changes_since(100, 50) == await pg.changes_since(100, 50)
    assert await lite.get_meta("bundle_version") == await pg.get_meta("bundle_version") is not None


def _same(value):
    """SQLite gives a comparison as 0 or 1, PostgreSQL as a bool: the same truth."""
    return int(value) if isinstance(value, bool) else value


async def test_a_core_over_either_store_replies_alike(both):
    """The whole core, commands and all, over the PostgreSQL store: every reply as over SQLite's."""
    from bot.announce.publishing import ChannelRef
    from bot.commands.registry import Context
    from bot.core import Core

    lite, pg = both
    clock = lambda: datetime(2024, 9, 1, 12, tzinfo=timezone.utc)  # noqa: E731
    cores = [Core(lite, clock=clock), Core(pg, clock=clock)]
    for core in cores:
        await core.start()
    ids = await _busiest(lite, 12)
    names = {s.athlete.id: s.athlete.name for s in await lite.athlete_stats() if s.athlete.id in ids}
    pairs = [p for p in await lite.pair_stats(ids, ids) if p.a < p.b][:4]
    asks = [f'/h2h "{names[p.a]}" "{names[p.b]}"' for p in pairs] + [f'/athlete "{names[a]}"' for a in ids[:4]]
    asks += ["/results oslo 2019 100m men", "/results london 2019", "/top 100m women 2019", "/top high jump men",
             "/next", "/h2h nobody-at-all somebody", "/subscriptions"]
    ctx = Context(user_id="u", channel=ChannelRef("console", "w", "c"), is_admin=True)
    answered = []
    for text in asks:
        a, b = [await core.handle_text(text, ctx) for core in cores]
        assert a.plain_text() == b.plain_text(), text
        assert (a.error, a.data) == (b.error, b.data), text
        answered += [] if a.error else [text]
    assert len(answered) == len(asks) - 1, set(asks) - set(answered)  # all but the nobody's head-to-head
