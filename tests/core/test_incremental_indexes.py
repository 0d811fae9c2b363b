"""Issue 15: indexes changed race by race from the change feed answer exactly as a fresh build.

Random batches of small writes go into a real SQLite store through the same paths polls and
imports take (Store.apply, with linking), plus corrections, annulments, DNS, deleted results,
renames, and athletes and competitions with no results yet. After each batch the indexes fed
only the batch's changes are compared with indexes built afresh from the store: every athlete's
stats, names, prefixes and prominence, every race's entries, every pair's meetings, every
competition and what /h2h-style searches find.
"""
from __future__ import annotations

import asyncio
import copy
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bot.announce.poller import Poller
from bot.change_feed import ChangeFeed
from bot.core import Core
from bot.indexes import Indexes
from bot.search import athletes as athlete_index
from bot.ingest.dl_archive import read_meeting
from bot.ingest.importer import import_rows
from bot.sources.replay import ReplaySource
from bot.store import NewAthlete, NewCompetition, NewRace, ResultWrite, WritePlan
from racebot.bundled import ARCHIVE_SOURCE, archive_meeting, archive_rows, meetings_info
from racebot.sections import DEFAULT_MEETING
from storage.changes import record_changes
from storage.sqlite import SqliteStore

GIVEN = ["Ada", "Bo", "Cy", "Jakob", "Josh"]
FAMILY = ["Kerr", "Quarrel", "Van Niekerk", "Ingebrigtsen", "Kerr-Smith", "Holub"]
EVENTS = [("1500m", "M"), ("5000m", "W")]
DAYS = [date(2025, 6, 1) + timedelta(days=d) for d in range(4)]
PLACES = ["Oslo", "Bislett Games", "Pre Classic Eugene", "Athletissima Lausanne"]
LABELS = ["", "", "National Events", "U20 Events"]

OPS = ["race", "race", "race", "correct", "correct", "annul", "delete", "link", "rename", "athlete", "competition"]


def canonical(ix: Indexes, ids: list[int] | None = None) -> dict:
    """Everything the indexes hold and answer; pairs and opponents among `ids` (default: everyone)."""
    ids = sorted(ix.athletes.stats) if ids is None else ids
    names = sorted({ix.athletes.stats[i].athlete.name for i in ids}
                   | {f"{ix.athletes.stats[i].athlete.given[:1]} {ix.athletes.stats[i].athlete.family}" for i in ids})
    comps = sorted({c.name for c in ix.competitions.by_id.values()} | {"oslo 2025", "national", "pre"})
    return {
        "athletes": ix.athletes.dump(), "competitions": ix.competitions.dump(), "meetings": ix.meetings.dump(),
        "events": ix.events, "today": ix.today, "newest": ix.newest,
        "pairs": sorted(ix.meetings.pair_stats(ids, ids), key=lambda p: (p.a, p.b)),
        "opponents": {a: ix.meetings.opponents(a) for a in ids},
        "found": {n: ix.athletes.candidates(n) for n in names},
        # two of each: a group's ranking kept across changes must cut it as ranking it afresh would
        "found_two": {n: ix.athletes.candidates(n, limit=2) for n in names},
        "typos": {n[:-2] + n[-1:]: ix.athletes.candidates(n[:-2] + n[-1:], limit=2) for n in names},
        "completed": {n[:2]: ix.athletes.complete(n[:2], {}, 5) for n in names} | {"": ix.athletes.complete("", {}, 5)},
        "competitions_found": {c: ix.competitions.find(c) for c in comps},
    }


class Writer:
    """Random small writes, each through the store's own write paths."""

    def __init__(self, store: SqliteStore, draw) -> None:
        self.store, self.draw = store, draw
        self.names = itertools.count(1)

    async def rows(self, sql: str, args=()) -> list:
        return list(await self.store.conn.execute_fetchall(sql, args))

    def new_athlete(self, key: int) -> NewAthlete:
        given, family = self.draw(st.sampled_from(GIVEN)), self.draw(st.sampled_from(FAMILY))
        return NewAthlete(key, f"{given} {family}", given, family, self.draw(st.sampled_from(["NOR", "GBR"])),
                          "", None, None)

    def result(self, race: int, athlete: int, place: int) -> ResultWrite:
        status = self.draw(st.sampled_from(["", "", "", "DNF", "DNS"]))
        note = self.draw(st.sampled_from(["", "", "", "DOP"]))
        value = None if status else 200.0 + place + self.draw(st.integers(0, 3)) / 10
        mark = status or f"3:{value - 180:05.2f}"
        return ResultWrite(race, athlete, None if status else place, mark, value, status, None, "", note, "test")

    async def op(self, kind: str) -> None:
        await getattr(self, kind)()

    async def apply(self, plan: WritePlan) -> None:
        async with self.store.write() as tx:
            await tx.apply(plan)

    async def race(self, *, competition: int | None = None, like: tuple | None = None) -> None:
        plan = WritePlan()
        comps = [c for (c,) in await self.rows("SELECT id FROM competitions")]
        if competition is None and (not comps or self.draw(st.booleans())):
            place = self.draw(st.sampled_from(PLACES))
            day = self.draw(st.sampled_from(DAYS))
            plan.competitions.append(NewCompetition(-1, f"{place} {next(self.names)}", place.split()[-1], "NOR",
                                                    day, day, self.draw(st.sampled_from(["", "Diamond League"])), ""))
            competition = -1
        elif competition is None:
            competition = self.draw(st.sampled_from(comps))
        event, gender = like[:2] if like else self.draw(st.sampled_from(EVENTS))
        day, round_ = like[2:] if like else (self.draw(st.sampled_from(DAYS)), self.draw(st.sampled_from(["F", "H"])))
        plan.races.append(NewRace(-2, competition, event, gender, round_, next(self.names), day, None,
                                  self.draw(st.sampled_from(LABELS)),
                                  venues=self.draw(st.sampled_from(["", "", "", "Oslo|Bergen"])),
                                  partial=self.draw(st.booleans())))
        known = [a for (a,) in await self.rows("SELECT id FROM athletes")]
        runners = self.draw(st.lists(st.sampled_from(known), max_size=5, unique=True)) if known else []
        for key in range(-10, -10 - self.draw(st.integers(0 if runners else 1, 4)), -1):
            plan.athletes.append(self.new_athlete(key))
            runners.append(key)
        plan.results = [self.result(-2, a, place) for place, a in enumerate(runners, start=1)]
        await self.apply(plan)

    async def _pick_results(self) -> list[tuple]:
        stored = await self.rows("SELECT race_id, athlete_id, place, value FROM results ORDER BY race_id, athlete_id")
        if not stored:
            return []
        race = self.draw(st.sampled_from(sorted({r[0] for r in stored})))
        mine = [r for r in stored if r[0] == race]
        return self.draw(st.lists(st.sampled_from(mine), min_size=1, max_size=len(mine), unique=True))

    async def correct(self) -> None:
        """Another version of some results: a new mark or place, a DNF or DNS, an annulment."""
        picked = await self._pick_results()
        if picked:
            await self.apply(WritePlan(results=[self.result(r, a, (p or 1) + 1) for r, a, p, _ in picked]))

    async def annul(self) -> None:
        picked = await self._pick_results()
        if picked:
            await self.apply(WritePlan(results=[
                ResultWrite(r, a, p, "x", v, "", None, "", "DOP", "test") for r, a, p, v in picked]))

    async def delete(self) -> None:
        """A write no source makes today, recorded as every write is: results gone from a race."""
        picked = await self._pick_results()
        if picked:
            async with self.store.transaction() as db:
                for race, athlete, _, _ in picked:
                    for table in ("result_alternates", "results"):
                        await db.execute(f"DELETE FROM {table} WHERE race_id = ? AND athlete_id = ?", (race, athlete))
                await record_changes(db, [picked[0][0]], [])

    async def link(self) -> None:
        """A new source's copy of a stored race, in a competition of its own: linked into the stored one."""
        races = await self.rows("SELECT id, event, gender, day, round FROM races ORDER BY id")
        if not races:
            return
        race, event, gender, day, round_ = self.draw(st.sampled_from(races))
        stored = await self.rows("SELECT athlete_id, place, mark, value, status, note FROM results WHERE race_id = ?",
                                 (race,))
        plan = WritePlan()
        plan.competitions.append(NewCompetition(-1, f"Copy {next(self.names)}", "Elsewhere", "", date.fromisoformat(day),
                                                date.fromisoformat(day), "", ""))
        plan.races.append(NewRace(-2, -1, event, gender, round_, 1, date.fromisoformat(day), None, "National Events"))
        plan.results = [ResultWrite(-2, a, p, m, v, s, None, "", n, "other", 2) for a, p, m, v, s, n in stored]
        plan.athletes.append(self.new_athlete(-10))
        plan.results.append(self.result(-2, -10, 9))
        await self.apply(plan)

    async def rename(self) -> None:
        known = await self.rows("SELECT id FROM athletes")
        if known:
            (aid,) = self.draw(st.sampled_from(known))
            given, family = self.draw(st.sampled_from(GIVEN)), self.draw(st.sampled_from(FAMILY))
            await self.apply(WritePlan(renames=[(aid, f"{given} {family}", given, family, None, None)]))

    async def athlete(self) -> None:
        """An athlete with no result yet: shown by a build, so by the changes too."""
        await self.apply(WritePlan(athletes=[self.new_athlete(-1)]))

    async def competition(self) -> None:
        day = self.draw(st.sampled_from(DAYS))
        await self.apply(WritePlan(competitions=[NewCompetition(-1, f"Empty {next(self.names)}", "Nowhere", "",
                                                                      day, day, "", "")]))


async def check(tmp_path, draw, batches: int) -> None:
    store = await SqliteStore.open(tmp_path / "incremental.db")
    # every group of namesakes ranked and the ranking kept (a million results' groups of hundreds)
    ranked_from, athlete_index.RANKED_FROM = athlete_index.RANKED_FROM, 0
    try:
        writer = Writer(store, draw)
        for _ in range(2):
            await writer.race()
        live, feed = Indexes(), ChangeFeed(store)
        await feed.skip_to_head()
        await live.load(store)
        for _ in range(batches):
            for kind in draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=4)):
                await writer.op(kind)
            await live.apply(store, await feed.news())
            fresh = Indexes()
            await fresh.load(store)
            assert canonical(live) == canonical(fresh)
    finally:
        athlete_index.RANKED_FROM = ranked_from
        await store.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changes_applied_race_by_race_equal_a_fresh_build(tmp_path_factory, data):
    asyncio.run(check(tmp_path_factory.mktemp("inc"), data.draw, batches=5))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_long_runs_of_changes_equal_a_fresh_build(tmp_path_factory, data):
    asyncio.run(check(tmp_path_factory.mktemp("inc"), data.draw, batches=20))



async def refresh_in_place_then_afresh(tmp_path, draw) -> None:
    store = await SqliteStore.open(tmp_path / "refresh.db")
    try:
        writer = Writer(store, draw)
        for _ in range(12):
            await writer.race()
        core = Core(store)
        await core.start()
        built = core.indexes.meetings
        await writer.race()
        assert await core.refresh() > 0
        assert core.indexes.meetings is built and core.indexes.meetings.overlay_races == 1  # 1 race of 13
        fresh = Indexes()
        await fresh.load(store)
        assert canonical(core.indexes) == canonical(fresh)
        for _ in range(3):
            await writer.race()
        await core.refresh()
        assert core.indexes.meetings is not built  # 3 races and 1 changed before, of at most 16
        assert core.indexes.meetings.overlay_races == 0
        fresh = Indexes()
        await fresh.load(store)
        assert canonical(core.indexes) == canonical(fresh)
    finally:
        await store.close()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_refresh_changes_in_place_and_builds_afresh_past_a_share_of_the_races(tmp_path_factory, data):
    asyncio.run(refresh_in_place_then_afresh(tmp_path_factory.mktemp("refresh"), data.draw))


async def test_a_replayed_meeting_followed_poll_by_poll_equals_a_fresh_build(tmp_path):
    """The whole process as `racebot run` replays a meeting: the season's meetings before it in the
    store, then the replay poller writes race by race and the core follows each poll, as the
    runner's on_data does; at the end the indexes are those a fresh build makes."""
    rows = read_meeting(DEFAULT_MEETING, archive_meeting(DEFAULT_MEETING), meetings_info(), ARCHIVE_SOURCE)
    day = min(r.date for r in rows)
    store = await SqliteStore.open(tmp_path / "replay.db")
    try:
        history = [r for r in archive_rows() if day - timedelta(days=365) <= r.date < day]
        await import_rows(store, history, "history", strict=False)
        core = Core(store)
        await core.start()
        built = core.indexes.meetings
        source = ReplaySource(rows, first_after_seconds=1, interval_seconds=1)
        poller = Poller(source, store)
        now = datetime(2022, 8, 26, 19, tzinfo=timezone.utc)
        polls = 0
        while not source.finished:
            report = await poller.poll_once(now)
            if report.data_changed:
                polls += await core.refresh() > 0
            now += timedelta(seconds=1)
        assert polls == len(source.races) == 24 and core.indexes.meetings is built  # each race, in place
        fresh = Indexes()
        await fresh.load(store)
        runners = sorted({a for race in core.indexes.meetings.races()[-24:]
                          for a in core.indexes.meetings.athletes_in(race)})
        assert canonical(core.indexes, runners) == canonical(fresh, runners)
        assert core.indexes.today == day
    finally:
        await store.close()


async def copies_stay_apart(tmp_path, draw) -> None:
    store = await SqliteStore.open(tmp_path / "copies.db")
    try:
        writer = Writer(store, draw)
        for _ in range(3):
            await writer.race()
        original, feed = Indexes(), ChangeFeed(store)
        await feed.skip_to_head()
        await original.load(store)
        before = canonical(original)
        twin = copy.copy(original)  # as the tests' writable cores copy the shared core's
        await writer.race()
        await twin.apply(store, await feed.news())
        fresh = Indexes()
        await fresh.load(store)
        assert canonical(twin) == canonical(fresh) != before
        assert canonical(original) == before  # the change never showed through the original
    finally:
        await store.close()


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_copy_changed_in_place_leaves_the_original_as_it_was(tmp_path_factory, data):
    asyncio.run(copies_stay_apart(tmp_path_factory.mktemp("copies"), data.draw))
