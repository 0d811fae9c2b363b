"""The streamed CSV import (racebot import) against the row-by-row path it replaced
(read_csv + import_rows): the same stored rows, ids and versions, the same errors with the same
lines, all or nothing, on real SQLite files, across chunk and batch boundaries."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timezone

import pytest

import bot.ingest.csv_chunks as csv_chunks
import bot.ingest.groups as groups
import bot.ingest.streaming as streaming
from results_only import bundled_db  # noqa: F401 (fixtures: the store without the histories)
from bot.announce.diff import record_corrections
from bot.errors import ImportFailed
from history_import import import_as_history
from bot.ingest.importer import import_rows
from bot.ingest.interchange import read_csv
from racebot.importing import import_file
from storage.sqlite import SqliteStore

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEADER = "date,competition,venue,series,event,gender,round,race,place,athlete,country,mark,wind,flags,source,athlete_id"
TABLES = ("athletes", "athlete_ids", "competitions", "races", "results")  # compared inside SQLite
VERSIONS = "SELECT race_id, revision, entries, changed_at FROM race_versions ORDER BY race_id"

@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Tiny chunks, batches and blocks, so every test crosses their boundaries."""
    monkeypatch.setattr(csv_chunks, "CHUNK_ROWS", 3)
    monkeypatch.setattr(csv_chunks, "BLOCK_CHARS", 200)
    monkeypatch.setattr(streaming, "_BATCH_ROWS", 5)
    monkeypatch.setattr(groups, "_BLOCK", 64)


def differences(a, b) -> dict:
    """What the two stores hold differently: per table, a few rows only in `a` and a few only in
    `b`; empty when they hold the same. The big tables are compared inside SQLite (EXCEPT: every
    table has a key, so set difference is exact), as reading hundreds of thousands of rows into
    Python took most of these tests' time."""
    out = {}
    with sqlite3.connect(a) as c:
        c.execute("ATTACH ? AS b", (str(b),))
        for table in TABLES:
            only = [c.execute(f"SELECT * FROM {x}.{table} EXCEPT SELECT * FROM {y}.{table} LIMIT 3").fetchall()
                    for x, y in (("main", "b"), ("b", "main"))]
            if any(only):
                out[table] = only
        # versions written in bulk by SQL and by Python differ in JSON spacing only
        versions = [[(r, v, json.loads(e), t) for r, v, e, t in c.execute(VERSIONS.replace("FROM ", f"FROM {x}."))]
                    for x in ("main", "b")]
        if versions[0] != versions[1]:
            out["versions"] = versions
    return out


def results(db) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM results").fetchone()[0]


async def both_ways(tmp_path, bundled_db, text: str, *, empty: bool = False, before: str | None = None):
    """Import `text` the streamed way and the row-by-row way into two equal stores; return
    (streamed outcome, old outcome, streamed db, old db); an outcome is a summary or an ImportFailed."""
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    outcomes, dbs = [], []
    for name in ("new", "old"):
        db = tmp_path / f"{name}.db"
        if not empty:
            shutil.copyfile(bundled_db, db)
        store = await SqliteStore.open(db)
        try:
            if before is not None:
                first = tmp_path / "before.csv"
                first.write_text(before, encoding="utf-8")
                await import_as_history(store, read_csv(before, str(first)), str(first), NOW)
            try:
                if name == "new":
                    report = await import_file(store, path, corrections_at=NOW)
                else:
                    report = await import_as_history(store, read_csv(text, str(path)), str(path), NOW)
                outcomes.append((report.rows, report.summary))
            except ImportFailed as exc:
                outcomes.append((exc.line, exc.reason))
        finally:
            await store.close()
        dbs.append(db)
    return outcomes[0], outcomes[1], dbs[0], dbs[1]


def meets_copies(n: int, rows: list[str] | None = None) -> list[str]:
    """`rows` (MEETS) n times over, a season apart: one file may hold an athlete once per race."""
    return [r.replace("2025-", f"{2025 + k}-") for k in range(n) for r in (rows or MEETS)]


def csv_text(*rows: str) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


MEETS = [
    "2025-06-12,Bislett Games,Oslo,Diamond League,5000m,M,final,,1,Ada Testrunner,NOR,12:58.10,,WL,test,",
    "2025-06-12,Bislett Games,Oslo,Diamond League,5000m,M,final,,2,Bo Ølstad,SWE,12:58.15,,,test,",
    "2025-06-12,Bislett Games,Oslo,Diamond League,800m,W,heat,1,1,Cara One,USA,1:59.00,,,t,",
    "2025-06-12,Bislett Games,Oslo,Diamond League,800m,W,heat,2,1,Dee Two,USA,1:58.00,+0.3,,t,",
    "2025-06-13,bislett games,oslo,Diamond League,800m,W,final,,1,Dee Two,USA,1:57.00,,PB SB,t,",
    "2025-07-05,Athletissima,Lausanne,Diamond League,5000m,M,final,,1,Bo Ølstad,SWE,12:50.00,,,test,",
    "2025-07-05,Athletissima,Lausanne,Diamond League,5000m,M,final,,2,Ada Testrunner,NOR,12:51.00,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,1500m,M,final,,3,Timothy Cheruiyot,KEN,3:31.00,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,1500m,M,final,,5,Reynold Kipkorir Cheruiyot,KEN,3:32.00,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,5000m,M,final,,,Bo Ølstad,SWE,DNF,,,test,",
    "2025-08-21,Weltklasse,Zürich,Diamond League,High Jump,W,final,1,1,Yaro Jump,UKR,2.01,,,test,W9",
    "2025-08-21,Weltklasse,Zürich,Diamond League,High Jump,W,qualification,1,2,Yaro Jumper,UKR,1.99,,,test,W9",
    # numberless: joins the heat where Dee Two has that mark
    "2025-06-13,Bislett Games,Oslo,Diamond League,800m,W,heat,,1,Dee Two,USA,1:58.00,+0.3,,t,",
]


async def test_the_streamed_import_stores_what_the_row_by_row_import_stored(tmp_path, bundled_db):
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*MEETS))
    assert new == old
    assert differences(db_new, db_old) == {}


async def test_into_an_empty_store_too(tmp_path, bundled_db):
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*MEETS), empty=True)
    assert new == old and differences(db_new, db_old) == {}


def schema(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def intact(db) -> bool:
    with sqlite3.connect(db) as c:
        return c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


async def test_into_an_empty_store_the_indexes_come_back_whole_and_a_refused_file_keeps_them(tmp_path, bundled_db):
    """Into an empty store the bulk writer drops the results and races indexes and builds them again once
    the rows are in (storage.bulk): the schema is then the row-by-row import's, every index holds
    every row, and a file refused at its last row leaves the schema as it was."""
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*meets_copies(3)), empty=True)
    assert new == old and schema(db_new) == schema(db_old) and intact(db_new)
    assert {"results_athlete", "races_event"} <= {name for _, name, _ in schema(db_new)}
    (tmp_path / "refused").mkdir()
    rows = [*meets_copies(3), MEETS[1].replace("2025-06-12", "2025-06-99")]
    new, old, db_new, db_old = await both_ways(tmp_path / "refused", bundled_db, csv_text(*rows), empty=True)
    assert new == old and "not YYYY-MM-DD" in new[1]
    assert schema(db_new) == schema(db_old) and intact(db_new) and results(db_new) == 0


async def test_joining_races_already_stored_and_changing_results(tmp_path, bundled_db):
    before = csv_text(*MEETS[:5])
    changed = [MEETS[3].replace("1:58.00", "1:57.90"), MEETS[12].replace("1:58.00", "1:57.90"), *MEETS[5:9]]
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*changed), before=before)
    assert new == old and differences(db_new, db_old) == {}


async def test_a_synthetic_file_of_many_chunks(tmp_path, bundled_db, monkeypatch):
    import random
    rng = random.Random(3)
    people = [(f"Runner{i} Name{i % 7}", rng.choice(["NOR", "KEN", "USA"]), f"S{i}" if i % 3 else "") for i in range(60)]
    lines = []
    for c in range(12):
        day = f"2024-0{1 + c % 9}-{10 + c:02d}"
        for race in range(1, 4):
            for place, who in enumerate(rng.sample(people, 6), start=1):
                name, country, sid = who
                mark = f"{rng.randint(10, 11)}.{rng.randint(0, 99):02d}"
                number = str(race) if c % 2 else ""
                event = ["100m", "200m", "400m"][race - 1] if not number else "100m"
                lines.append(f"{day},Meet {c},Town {c % 5},,{event},M,final,{number},{place},{name},{country},"
                             f"{mark},,,syn,{sid}")
    monkeypatch.setattr(csv_chunks, "CHUNK_ROWS", 7)
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*lines), empty=True)
    assert new == old and differences(db_new, db_old) == {}


@pytest.mark.parametrize("bad,words", [
    ("2025-13-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t,", "not YYYY-MM-DD"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,X,final,,1,Al Fast,NOR,3:30.00,,,t,", "not M or W"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,  ,NOR,3:30.00,,,t,", "'athlete' is empty"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,fast,,t,", "not a number"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,heatz,,1,Al Fast,NOR,3:30.00,,,t,", "not final"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,x,1,Al Fast,NOR,3:30.00,,,t,", "not a whole number"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,,,,t,", "'mark' is empty"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,0:50,,,t,", "impossibly fast"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,0,Al Fast,NOR,3:30.00,,,t,", "place 0 is not a place"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t", "expected 16 fields"),
    # issue 13, items 8 and 12: fields no renderer could show, dates and digits that raised
    (f"2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,{'Al ' * 34}Fast,NOR,3:30.00,,,t,", "'athlete' is 106 characters"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al\0Fast,NOR,3:30.00,,,t,", "'athlete' holds a NUL"),
    (f"2025-06-12,{'B' * 201},Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t,", "'competition' is 201 characters"),
    (f"2025-06-12,Bislett Games,{'O' * 201},,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t,", "'venue' is 201"),
    (f"2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,{'N' * 51},3:30.00,,,t,", "'country' is 51"),
    (f"2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,{'s' * 2001},", "'source' is 2,001"),
    ("9999-12-31,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t,", "not between 1800 and 2200"),
    ("0001-01-01,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t,", "not between 1800 and 2200"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,\u00b2,Al Fast,NOR,3:30.00,,,t,", "not a whole number"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,\u0663,Al Fast,NOR,3:30.00,,,t,", "not a whole number"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,nan,,t,", "not a number"),
])
async def test_a_bad_row_at_the_end_of_a_big_file_writes_nothing(tmp_path, bundled_db, bad, words):
    rows = [*meets_copies(4), bad]
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*rows))
    assert new == old and words in new[1] and new[0] == len(rows) + 1
    assert results(db_new) == results(bundled_db)


async def test_a_field_error_further_down_wins_over_an_earlier_refused_mark(tmp_path, bundled_db):
    rows = [MEETS[0].replace("12:58.10", "1:00.00"), *meets_copies(3), MEETS[1].replace("2025-06-12", "2025-06-99")]
    new, old, _, _ = await both_ways(tmp_path, bundled_db, csv_text(*rows))
    assert new == old and "not YYYY-MM-DD" in new[1]


async def test_the_first_refusal_is_named_athlete_race_or_mark(tmp_path, bundled_db):
    namesakes = ["2025-05-01,Meet,Town,,100m,M,final,1,1,Sam Same,NOR,10.50,,,t,A1",
                 "2025-05-01,Meet,Town,,100m,M,final,1,2,Sam Same,NOR,10.60,,,t,A2"]
    ambiguous = "2025-05-02,Meet,Town,,100m,M,final,,1,Sam Same,NOR,10.40,,,t,"
    two_heats = ["2025-05-02,Meet,Town,,200m,M,heat,1,1,Al One,NOR,20.50,,,t,",
                 "2025-05-02,Meet,Town,,200m,M,heat,2,1,Bo Two,NOR,20.60,,,t,",
                 "2025-05-02,Meet,Town,,200m,M,heat,,2,Cy Three,NOR,20.70,,,t,"]
    late_mark = "2025-05-03,Meet,Town,,100m,M,final,1,1,Di Four,NOR,1.00,,,t,"
    for rows in ([*namesakes, *MEETS, ambiguous, *two_heats, late_mark],
                 [*namesakes, *MEETS, *two_heats, ambiguous, late_mark],
                 [*namesakes, late_mark, *MEETS, ambiguous]):
        new, old, _, _ = await both_ways(tmp_path, bundled_db, csv_text(*rows))
        assert new == old and isinstance(new[0], int) and isinstance(new[1], str)


async def test_reimporting_the_same_file_changes_nothing(tmp_path, db_copy):
    path = tmp_path / "again.csv"
    path.write_text(csv_text(*meets_copies(2, MEETS[:11])), encoding="utf-8")  # [11] and [12] change earlier rows
    store = await SqliteStore.open(db_copy)
    try:
        await import_file(store, path, corrections_at=NOW)
        before = tmp_path / "before.db"
        with sqlite3.connect(db_copy) as now, sqlite3.connect(before) as kept:
            now.backup(kept)
        report = await import_file(store, path, corrections_at=NOW)
    finally:
        await store.close()
    assert differences(db_copy, before) == {}
    s = report.summary
    assert (s.athletes, s.competitions, s.races, s.results_added, s.results_changed) == (0, 0, 0, 0, 0)


async def test_quotes_line_breaks_blank_lines_and_a_bom(tmp_path, bundled_db):
    rows = ['2025-06-12,"Bislett Games, Oslo",Oslo,,5000m,M,final,,1,"Ada ""Quick"" Testrunner",NOR,12:58.10,,,"a\nsource",',
            "",
            *MEETS[1:6],
            "",
            '2025-06-12,"Bislett Games, Oslo",Oslo,,5000m,M,final,,3,Ed Late,SWE,13:00.15,,,t,']
    text = "\ufeff" + csv_text(*rows)
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, text)
    assert new == old and differences(db_new, db_old) == {}
    bad = "\ufeff" + csv_text(*rows, '2025-06-12,"Bislett Games\nOslo",Oslo,,5000m,M,final,,4,Cy,SWE,13:00.15,xx,,t,')
    new, old, _, _ = await both_ways(tmp_path, bundled_db, bad)
    assert new == old and "not a number" in new[1]


async def test_a_quote_far_down_the_file_switches_to_csv_there_and_lines_stay_right(tmp_path, bundled_db):
    late = [*meets_copies(3), '2025-06-12,Bislett Games,Oslo,,5000m,M,final,,3,"Cy\nThird, Jr",SWE,13:01.00,,,t,',
            *MEETS[:4], "", "2025-06-12,Bislett Games,Oslo,,5000m,M,final,,4,Di Four,SWE,13:02.00,,,t,"]
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, csv_text(*late))
    assert new == old and differences(db_new, db_old) == {}
    for bad in ("2025-06-12,Bislett Games,Oslo,,5000m,M,final,,5,Ed Five,SWE,13:03.00,,,t",
                "2025-06-12,Bislett Games,Oslo,,5000m,M,final,,5,Ed Five,SWE,13:03.00,zz,,t,"):
        new, old, _, _ = await both_ways(tmp_path, bundled_db, csv_text(*late, bad))
        assert new == old and new[0] == len(late) + 3  # the header, and the line break inside the quotes


async def test_columns_in_another_order_and_some_missing(tmp_path, bundled_db):
    text = ("athlete,mark,event,gender,competition,date,place\n"
            "Ada Testrunner,12:58.10,5000m,M,Bislett Games,2025-06-12,1\n"
            "Bo Ølstad,12:58.15,5000m,M,Bislett Games,2025-06-12,2\n"
            "Bo Ølstad,3:31.00,1500m,M,Bislett Games,2025-06-13,1\n"
            "Cy Third,3:32.00,1500m,M,Bislett Games,2025-06-13,2\n")
    new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, text)
    assert new == old and differences(db_new, db_old) == {}


async def test_the_store_checks_references_while_foreign_keys_are_off(tmp_path, db_copy):
    store = await SqliteStore.open(db_copy)
    try:
        with pytest.raises(RuntimeError, match="races referenced but not stored"):
            async with store.write(bulk=True) as tx:
                await (await tx.bulk()).add_results([10 ** 9], [1], [("10.00", 10.0, "")], [(1, None, "", "", "t")])
        (fk,) = await (await store.conn.execute("PRAGMA foreign_keys")).fetchone()
    finally:
        await store.close()
    assert fk == 1
    with sqlite3.connect(db_copy) as c:
        assert c.execute("SELECT count(*) FROM results WHERE race_id = ?", (10 ** 9,)).fetchone()[0] == 0


async def test_first_versions_in_bulk_are_the_versions_record_changes_computes(db_copy):
    """The SQL that records an import's new races agrees with race_facts, entry for entry,
    on archive races with DNFs, no places, annulled (DOP) results and accented names."""
    store = await SqliteStore.open(db_copy)
    try:
        rows = await store.conn.execute_fetchall(
            "SELECT DISTINCT race_id FROM results WHERE race_id IN (SELECT race_id FROM results WHERE note = 'DOP') "
            "OR race_id IN (SELECT race_id FROM results WHERE place IS NULL) OR race_id < 200")
        race_ids = sorted(r for (r,) in rows)
        async with store.write() as unit:
            tx = unit.outbox
            expected = {f.race.id: [e.as_list() for e in f.entries] for f in await tx.race_facts(race_ids)}
            saved = await tx.save_first_versions(race_ids, NOW)
            got = {r: [e.as_list() for e in v.entries] for r, v in (await tx.versions(race_ids)).items()}
            again = await tx.save_first_versions(race_ids, NOW)
            revisions = {v.revision for v in (await tx.versions(race_ids)).values()}
    finally:
        await store.close()
    assert len(race_ids) > 200 and saved == set(expected) and got == expected
    assert again == set() and revisions == {1}


async def test_the_unit_of_work_names_each_race_once_after_linking(tmp_path, db_copy):
    """What the outbox diff is handed (tx.races()) after a streamed import: every race written to,
    once, as stored once linked."""
    path = tmp_path / "meets.csv"
    path.write_text(csv_text(*MEETS[:11]), encoding="utf-8")
    store = await SqliteStore.open(db_copy)
    try:
        prepared = await streaming.prepare_csv(store, lambda: path.open(encoding="utf-8-sig"), str(path))
        async with store.write(bulk=True) as tx:
            await prepared.write(tx)
            races = tx.races()
            await record_corrections(tx, NOW)
        written = {r for (r,) in await store.conn.execute_fetchall(
            "SELECT DISTINCT race_id FROM results WHERE source IN ('test', 't')")}
    finally:
        await store.close()
    assert races and len(races) == len(set(races)) and set(races) == written


# --- the end of the file (issue 13, item 1) ------------------------------------------------------
async def test_a_last_row_without_a_final_newline_is_imported(tmp_path, bundled_db):
    """It was dropped (`lines.pop()`) and the import still said it was done."""
    last = "2025-06-12,Bislett Games,Oslo,Diamond League,5000m,M,final,,3,Ed Last,NOR,13:10.00,,,t,"
    for rows in ([*MEETS, last], [*meets_copies(5), last]):  # the last line in the first block, and in a later one
        text = csv_text(*rows).removesuffix("\n")
        new, old, db_new, db_old = await both_ways(tmp_path, bundled_db, text)
        assert new == old and new[0] == len(rows)
        assert differences(db_new, db_old) == {}
        with sqlite3.connect(db_new) as c:
            assert c.execute("SELECT r.mark FROM results r JOIN athletes a ON a.id = r.athlete_id "
                             "WHERE a.name = 'Ed Last'").fetchall() == [("13:10.00",)]


@pytest.mark.parametrize("cut", [
    "2025-06-12,Bislett Games,Oslo,,5000m,M,final,,3,Cy Thi",  # cut off mid-row: too few fields
    '2025-06-12,Bislett Games,Oslo,,5000m,M,final,,3,"Cy Thi',  # and inside an open quote
    '2025-06-12,Bislett Games,Oslo,,5000m,M,final,,3,"Cy\nThird',  # an open quote over a line break
])
async def test_a_file_cut_off_mid_row_is_refused_naming_the_line(tmp_path, bundled_db, cut):
    rows = [*meets_copies(2), cut]
    new, old, db_new, _ = await both_ways(tmp_path, bundled_db, csv_text(*rows).removesuffix("\n"))
    assert new == old and new[0] == len(rows) + 1, new  # the line the cut row starts on
    assert "expected 16 fields" in new[1] or "never closed" in new[1]
    assert results(db_new) == results(bundled_db)


async def test_a_quote_never_closed_before_more_rows_is_refused_too(tmp_path, bundled_db):
    """The open quote swallowed every later row into one field; non-strict csv accepted that."""
    rows = [*MEETS[:3], '2025-06-12,Bislett Games,Oslo,,5000m,M,final,,3,"Cy Third,SWE,13:01.00,,,t,', *MEETS[3:]]
    new, old, _, _ = await both_ways(tmp_path, bundled_db, csv_text(*rows))
    assert new == old and new == (5, "a quote opened here is never closed: is the file cut short?")


async def test_text_after_a_closing_quote_is_refused_naming_the_line(tmp_path, bundled_db):
    """Non-strict csv glued '"Cy" Third' into 'Cy Third'; strict, it is named as a CSV error."""
    rows = [*MEETS[:3], '2025-06-12,Bislett Games,Oslo,,5000m,M,final,,3,"Cy" Third,SWE,13:01.00,,,t,', *MEETS[3:]]
    new, old, _, _ = await both_ways(tmp_path, bundled_db, csv_text(*rows))
    assert new == old and new[0] == 5 and new[1].startswith("not valid CSV here")
