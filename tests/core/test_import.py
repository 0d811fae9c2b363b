"""`racebot import`: all-or-nothing per file, idempotent, and matched to athletes we know."""
import json
import sqlite3

import pytest

from results_only import bundled_db, core, db_copy  # noqa: F401 (fixtures: the store without the histories)
from bot.commands.registry import Context
from bot.errors import ImportFailed
from racebot.importing import import_file

HEADER = "date,competition,venue,series,event,gender,round,race,place,athlete,country,mark,wind,flags,source,athlete_id\n"
ROWS = [
    "2025-06-12,Bislett Games,Oslo,Diamond League,5000m,M,final,,1,Ada Testrunner,NOR,12:58.10,,WL,test,",
    "2025-06-12,Bislett Games,Oslo,Diamond League,5000m,M,final,,2,Bo Ølstad,SWE,12:58.15,,,test,",
    "2025-07-05,Athletissima,Lausanne,Diamond League,5000m,M,final,,1,Bo Ølstad,SWE,12:50.00,,,test,",
    "2025-07-05,Athletissima,Lausanne,Diamond League,5000m,M,final,,2,Ada Testrunner,NOR,12:51.00,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,5000m,M,final,,1,Ada Testrunner,NOR,12:49.00,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,5000m,M,final,,,Bo Ølstad,SWE,DNF,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,1500m,M,final,,3,Timothy Cheruiyot,KEN,3:31.00,,,test,",
    "2025-08-20,Weltklasse,Zürich,Diamond League,1500m,M,final,,5,Reynold Kipkorir Cheruiyot,KEN,3:32.00,,,test,",
]

def counts(db):
    with sqlite3.connect(db) as c:
        return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("athletes", "competitions", "races", "results"))


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_import_then_h2h_on_athletes_only_in_that_file(core, tmp_path):
    path = write(tmp_path, "new.csv", ROWS)
    report = await import_file(core.store, path)
    assert report.summary.results_added == len(ROWS)
    await core.start()
    reply = await core.handle_text("/h2h testrunner olstad", Context())
    assert reply.title == "Ada Testrunner v Bo Ølstad"
    assert reply.data["wins"] == {"a": 2, "b": 1}  # Bo's DNF in Zürich loses to Ada's finish


async def test_reimport_changes_nothing(core, db_copy, tmp_path):
    path = write(tmp_path, "new.csv", ROWS)
    await import_file(core.store, path)
    before = counts(db_copy)
    report = await import_file(core.store, path)
    assert counts(db_copy) == before
    assert (report.summary.athletes, report.summary.results_added, report.summary.results_changed) == (0, 0, 0)


async def test_rows_match_archive_athletes_and_namesakes_stay_apart(core, db_copy, tmp_path):
    await import_file(core.store, write(tmp_path, "new.csv", ROWS))
    with sqlite3.connect(db_copy) as c:
        timothys = c.execute("SELECT count(*) FROM athletes WHERE name = 'Timothy Cheruiyot'").fetchone()[0]
        reynold = c.execute("SELECT count(*) FROM athletes WHERE name = 'Reynold Kipkorir Cheruiyot'").fetchone()[0]
        oslo = c.execute("SELECT count(*) FROM competitions WHERE name = 'Bislett Games' AND start_date LIKE '2025%'").fetchone()[0]
    assert (timothys, reynold, oslo) == (1, 1, 1)


@pytest.mark.parametrize("bad,line,words", [
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,0:50,,,t,", 3, "impossibly fast"),
    ("2025-13-12,Bislett Games,Oslo,,1500m,M,final,,1,Al Fast,NOR,3:30.00,,,t,", 3, "not YYYY-MM-DD"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,X,final,,1,Al Fast,NOR,3:30.00,,,t,", 3, "not M or W"),
    ("2025-06-12,Bislett Games,Oslo,,1500m,M,final,,1,,NOR,3:30.00,,,t,", 3, "'athlete' is empty"),
])
async def test_a_bad_row_stops_the_file_and_keeps_nothing(core, db_copy, tmp_path, bad, line, words):
    before = counts(db_copy)
    path = write(tmp_path, "bad.csv", [ROWS[0], bad, ROWS[1]])
    with pytest.raises(ImportFailed) as err:
        await import_file(core.store, path)
    assert err.value.line == line and words in err.value.reason
    assert counts(db_copy) == before


async def test_missing_columns_are_named(core, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("date,athlete\n2024-01-01,A B\n")
    with pytest.raises(ImportFailed, match="missing column"):
        await import_file(core.store, path)


async def test_json_import_and_archive_format(core, db_copy, tmp_path):
    objs = [dict(zip(HEADER.strip().split(","), r.split(","))) for r in ROWS[:2]]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(objs), encoding="utf-8")
    assert (await import_file(core.store, path)).summary.results_added == 2
    # an archive file that is already bundled adds nothing
    archive = tmp_path / "2022_36.json"
    archive.write_text(json.dumps({"Diamond Discipline": [{"title": "Men's 1500m - 26.08.2022",
                       "detail": "Final", "category": "Diamond Discipline", "data": [
                           {"place": "1.", "athlete": "Jakob INGEBRIGTSEN", "id": "14653717", "nat": "NOR",
                            "birthYear": 1900, "mark": "3:29.05", "doping": ""}]}]}), encoding="utf-8")
    before = counts(db_copy)
    report = await import_file(core.store, archive)
    assert report.summary.results_added == 0 and counts(db_copy) == before


async def test_a_race_without_number_joins_the_race_where_the_athlete_has_that_mark(core, tmp_path):
    two_races = [
        "2025-05-01,Test Meet,Testville,,800m,W,heat,1,1,Cara One,USA,1:59.00,,,t,",
        "2025-05-01,Test Meet,Testville,,800m,W,heat,2,1,Dee Two,USA,1:58.00,,,t,",
    ]
    await import_file(core.store, write(tmp_path, "heats.csv", two_races))
    joined = ["2025-05-01,Test Meet,Testville,,800m,W,heat,,1,Dee Two,USA,1:58.00,,,t,"]
    report = await import_file(core.store, write(tmp_path, "again.csv", joined))
    assert (report.summary.races, report.summary.results_added) == (0, 0)
