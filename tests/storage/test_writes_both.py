"""The Writes role on both backends (issue 16): the same import gives the same rows and answers on
SQLite and PostgreSQL, a unit of work that raises changes nothing, races link to stored ones and
one athlete under two identities is merged, and a poll's outbox rows commit with its results."""
from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))  # raw_archive: the shared data read raw

from backends import (any_store, both_targets, counts, open_store, pg_schema, pg_server, store_target,  # noqa: F401,E402
                      table_rows)
from raw_archive import archive_race, csv_rows, csv_text  # noqa: E402
from bot.announce.outbox import NewRow  # noqa: E402
from bot.announce.subscriptions import Filters, Subscription  # noqa: E402
from bot.announce.publishing import ChannelRef  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from bot.core import Core  # noqa: E402
from bot.errors import ImportFailed  # noqa: E402
from bot.ingest.importer import import_rows  # noqa: E402
from bot.ingest.interchange import read_csv  # noqa: E402
from bot.store import NewAthlete, NewCompetition, NewRace, ResultWrite, WritePlan  # noqa: E402
from racebot.importing import import_file  # noqa: E402

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
TABLES = ("athletes", "athlete_ids", "competitions", "races", "results", "competition_aliases", "race_keys",
          "result_alternates", "athlete_aliases")
# Kerr and Ingebrigtsen met in both; the Oslo and Zürich 1500m add their other races
RACES = [("2019_24", "M", "Mile", "Promotional Events", "Anniversary Games", "London"),
         ("2022_36", "M", "1500m", "Diamond Discipline", "Athletissima", "Lausanne")]


def archive_csv(path: Path, races=RACES, renamed: bool = False) -> Path:
    """The races as a CSV file; `renamed`: under names and venues a stored race shares nothing
    with, so only linking (by results) finds them."""
    rows = []
    for stem, gender, event, category, competition, venue in races:
        day, raw = archive_race(stem, gender, event, category)
        rows += csv_rows(day, f"Other meet {stem}" if renamed else competition, "Elsewhere" if renamed else venue,
                         event, gender, raw)
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


async def h2h(store, text: str):
    core = Core(store)
    await core.start()
    return (await core.handle_text(f"/h2h {text}", Context())).data


async def snapshot(store) -> dict[str, list[tuple]]:
    out = {t: await table_rows(store, t) for t in TABLES}
    out["changes"] = await table_rows(store, "changes", "seq, kind, race_id, athlete_id")
    return out


async def test_an_import_gives_the_same_rows_and_answers_on_both_backends(both_targets, tmp_path):
    """/h2h Kerr Ingebrigtsen from a store imported on each; then the same races under other
    names, which link to the stored ones on both alike."""
    first, again = archive_csv(tmp_path / "a.csv"), archive_csv(tmp_path / "b.csv", renamed=True)
    seen = []
    for backend in ("sqlite", "postgresql"):
        store = await open_store(both_targets[backend])
        try:
            report = await import_file(store, first, corrections_at=NOW)
            assert report.summary.results_added > 20 and report.summary.races == 2
            answer = await h2h(store, "Kerr Ingebrigtsen")
            linked = await import_file(store, again)
            seen.append((report.summary, linked.summary, answer, await snapshot(store)))
        finally:
            await store.close()
    (sqlite, postgres) = seen
    assert sqlite[2]["meetings"] and sqlite[2] == postgres[2]
    assert sqlite[1].races == 0 and sqlite[1].races_linked == 2 and sqlite[1].results_added == 0
    assert sqlite[:2] == postgres[:2]
    assert sqlite[3] == postgres[3]
    assert len(sqlite[3]["competition_aliases"]) == 2  # the other names are kept, to link at once next time


async def test_a_reimport_changes_nothing_and_the_row_by_row_path_agrees(any_store, tmp_path):
    path = archive_csv(tmp_path / "a.csv")
    streamed = await import_file(any_store, path)
    before, head = await snapshot(any_store), await any_store.change_head()
    again = await import_file(any_store, path)
    assert (again.summary.athletes, again.summary.results_added, again.summary.results_changed) == (0, 0, 0)
    assert await snapshot(any_store) == before and await any_store.change_head() == head
    # the same rows through WriteTx.apply (not bulk) find everything stored
    applied = await import_rows(any_store, read_csv(path.read_text("utf-8"), str(path)), str(path))
    assert (applied.summary.results_added, applied.summary.races) == (0, 0)
    assert streamed.summary.results_added == len(before["results"])


def _plan(day0: int, names: tuple[str, str], scheme: str, known: int | None = None) -> WritePlan:
    """Three 1500m races a day apart, won by the first name, the second second (or `known`, stored)."""
    plan = WritePlan(athletes=[NewAthlete(-1, names[0], names[0].split()[0], names[0].split()[1], "KEN", "W", None,
                                          None, [(scheme, names[0])])])
    plan.source_ids.append((scheme, names[0], -1))
    second = known
    if known is None:
        plan.athletes.append(NewAthlete(-2, names[1], names[1].split()[0], names[1].split()[1], "ETH", "W", None, None))
        plan.source_ids.append((scheme, names[1], -2))
        second = -2
    else:
        plan.source_ids.append((scheme, names[1], known))
    for i in range(3):
        day = date(2024, 6, day0 + i)
        plan.competitions.append(NewCompetition(-10 - i, f"{scheme} meet {i}", "Town", "KEN", day, day, "", ""))
        plan.races.append(NewRace(-20 - i, -10 - i, "1500", "W", "final", 1, day, None, ""))
        for athlete, place, value in ((-1, 1, 240.0 + i), (second, 2, 241.0 + i)):
            plan.results.append(ResultWrite(-20 - i, athlete, place, f"{value}", value, "", None, "", "", scheme))
    return plan


async def test_races_link_and_one_athlete_under_two_identities_is_merged(any_store):
    async with any_store.write() as tx:
        await tx.apply(_plan(1, ("Faith Kipyegon", "Gudaf Tsegay"), "wa"))
    tsegay = next(a for a in (await any_store.identities()).athletes if a.name == "Gudaf Tsegay").id
    async with any_store.write() as tx:  # another source: her under another name, Tsegay known
        summary = await tx.apply(_plan(1, ("Faith Chepngetich", "Gudaf Tsegay"), "tilastopaja", known=tsegay))
        assert tx.races() == [r for (r,) in await table_rows(any_store, "races", "id")]  # the stored races
    assert (summary.races, summary.races_linked, summary.competitions_linked, summary.athletes) == (0, 3, 3, 0)
    athletes = await table_rows(any_store, "athletes", "name")
    assert athletes == [("Faith Chepngetich",), ("Gudaf Tsegay",)]  # the newer name is shown
    assert await table_rows(any_store, "athlete_aliases", "name") == [("Faith Kipyegon",)]  # the old one finds her
    assert await counts(any_store, "races", "results", "competitions") == {"races": 3, "results": 6, "competitions": 3}
    schemes = await table_rows(any_store, "athlete_ids", "scheme, source_id")
    assert ("tilastopaja", "Faith Chepngetich") in schemes and ("wa", "Faith Kipyegon") in schemes


async def test_a_unit_of_work_that_raises_changes_nothing(any_store, tmp_path):
    await import_file(any_store, archive_csv(tmp_path / "a.csv", RACES[:1]))
    before, head = await snapshot(any_store), await any_store.change_head()
    with pytest.raises(RuntimeError, match="boom"):
        async with any_store.write() as tx:
            await tx.apply(_plan(1, ("Faith Kipyegon", "Gudaf Tsegay"), "wa"))
            raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        async with any_store.write(bulk=True) as tx:
            bulk = await tx.bulk()
            ids = await bulk.add(WritePlan(athletes=[NewAthlete(-1, "A B", "A", "B", "", "M", None, None)],
                                           competitions=[NewCompetition(-2, "C", "", "", date(2024, 1, 1),
                                                                        date(2024, 1, 1), "", "")],
                                           races=[NewRace(-3, -2, "100", "M", "final", 1, date(2024, 1, 1), None, "")]))
            mark, tail = ("10.00", 10.0, ""), (1, None, "", "", "x")
            await bulk.add_results([ids[-3]], [ids[-1]], [mark], [tail])
            raise RuntimeError("boom")
    assert await snapshot(any_store) == before and await any_store.change_head() == head
    # and a file that fails half way through keeps nothing of it
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(csv_rows("2024-06-01", "Meet", "Town", "1500m", "M", [
        {"place": "1", "athlete": "Ann ONE", "nat": "KEN", "mark": "3:30.00"}])) + "2024-06-01,Meet,Town,,1500m,M,"
        "final,,2,Bo Two,KEN,not a mark,,,test,\n", encoding="utf-8")
    with pytest.raises(ImportFailed):
        await import_file(any_store, bad)
    assert await snapshot(any_store) == before and await any_store.change_head() == head


async def test_the_outbox_rows_of_a_write_commit_with_it_or_not_at_all(any_store):
    sub = await any_store.add_subscription(Subscription(ChannelRef("console", "w", "c"), Filters(), created_at=NOW))
    for fail in (True, False):
        try:
            async with any_store.write() as tx:
                await tx.apply(_plan(1, ("Faith Kipyegon", "Gudaf Tsegay"), "wa"))
                start = await tx.outbox.begin_poll("test", NOW, True)
                assert start.first_for_source and start.baseline_subscriptions == {sub.id}
                races = tx.races()
                facts = await tx.outbox.race_facts(races)
                assert [len(f.entries) for f in facts] == [2, 2, 2]
                assert await tx.outbox.save_first_versions(races[:1], NOW) == set(races[:1])
                assert (await tx.outbox.versions(races[:1]))[races[0]].entries == facts[0].entries
                added = await tx.outbox.add_rows([NewRow(sub.id, r, 1, "result", "", NOW, NOW) for r in races[1:]] * 2)
                assert added == 2  # the same row twice is one row
                assert list(await tx.outbox.earlier_rows(races, NOW)) == [(sub.id, r) for r in races[1:]]
                if fail:
                    raise RuntimeError("boom")
        except RuntimeError:
            assert await counts(any_store, "outbox", "race_versions", "results", "poll_state") == {
                "outbox": 0, "race_versions": 0, "results": 0, "poll_state": 0}
    assert await counts(any_store, "outbox", "race_versions", "results") == {"outbox": 2, "race_versions": 1,
                                                                             "results": 6}


async def test_postgresql_writers_take_turns_across_stores_and_readers_hear_of_the_commit(both_targets):
    """Two stores on one schema, as two processes: the second writer waits for the first's commit
    (the advisory lock), and the other store's data_version moves once it is committed."""
    url, schema = both_targets["postgresql"]
    first, second = await open_store((url, schema)), await open_store((url, schema))
    try:
        seen = second.data_version()
        async with first.write() as tx:
            await tx.apply(_plan(1, ("Faith Kipyegon", "Gudaf Tsegay"), "wa"))
            waiting = asyncio.ensure_future(_write_once(second))
            await asyncio.sleep(0.3)
            assert not waiting.done()  # the lock is the first writer's until it commits
        await asyncio.wait_for(waiting, 10)
        for _ in range(100):  # the notification arrives on the listener's connection
            if second.data_version() != seen:
                break
            await asyncio.sleep(0.02)
        assert second.data_version() != seen
        assert await counts(first, "races") == {"races": 6}
    finally:
        await first.close()
        await second.close()


async def _write_once(store) -> None:
    async with store.write() as tx:
        await tx.apply(_plan(10, ("Ann Other", "Bea Other"), "wa"))
