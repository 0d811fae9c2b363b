"""One athlete under two identities, merged once the histories link to the archive (issue 12):
Sandra Perković is the histories' Sandra Elkasević (a married name)."""
import gzip
import json
import sqlite3

from tilastopaja_sample import find_id, write_sample

from results_only import core, db_copy  # noqa: F401 (fixtures: the store without the histories)
from bot.commands.registry import Context
from racebot.importing import import_file


async def h2h(core, a: str, b: str):
    return (await core.handle_text(f'/h2h "{a}" "{b}"', Context())).data


def athletes_named(db, *names: str) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT name, country FROM athletes WHERE name IN ({','.join('?' * len(names))}) "
                         "ORDER BY name", names).fetchall()


async def test_a_married_name_in_the_histories_is_the_archive_athlete(core, db_copy, tmp_path):
    before = await h2h(core, "Sandra Perković", "Valarie Allman")
    # with a rival of hers whose history links their races to the archive's
    path = write_sample(tmp_path / "elkasevic.jsonl.gz", find_id("Sandra", "Elkasević"), find_id("Shanice", "Craft"),
                        find_id("Claudine", "Vita"))
    report = await import_file(core.store, path)
    assert report.summary.athletes == 0  # both were stored already, she under her maiden name
    assert athletes_named(db_copy, "Sandra Perković", "Sandra Elkasević") == [("Sandra Elkasević", "CRO")]
    await core.start()
    old = await h2h(core, "Sandra Perković", "Valarie Allman")
    new = await h2h(core, "Sandra Elkasević", "Valarie Allman")
    assert old == new and new["a"]["name"] == "Sandra Elkasević"
    assert len(new["meetings"]) >= len(before["meetings"])  # her archive races, and the histories' since
    meetings = [(m["date"], m["event"]) for m in new["meetings"]]
    assert len(meetings) == len(set(meetings))  # no race counted twice
    with sqlite3.connect(db_copy) as c:
        tables = {t: c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                  for t in ("athletes", "athlete_ids", "athlete_aliases", "races", "results", "result_alternates")}
    again = await import_file(core.store, path)
    assert (again.summary.athletes, again.summary.races, again.summary.results_added) == (0, 0, 0)
    with sqlite3.connect(db_copy) as c:
        assert {t: c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables} == tables


# Four of Perković's Diamond League discus races of 2019 (the archive's): day, meeting, city. She was
# 5th in 63.71, 3rd in 64.77, 3rd in 63.80 and 2nd in 66.00; the thrower one place behind her (Allman,
# Pudenz: the archive's rows) links each history race to the archive's.
DISCUS_2019 = (("2019-05-30", "BAUHAUS-galan", "Stockholm"),
               ("2019-06-16", "Meeting International Mohammed VI", "Rabat"),
               ("2019-08-18", "Birmingham Grand Prix", "Birmingham"),
               ("2019-09-06", "Memorial Van Damme", "Brussels"))


def _line(tp_id: str, name: str, country: str, rows: list[tuple[int, str, str]]) -> str:
    """A hand-written history line: (race of DISCUS_2019, place, mark) rows."""
    given, family = name.split(" ", 1)
    results = [{"IndoorOutdoor": "Outdoor", "event": "DT", "result": mark, "wind": "", "rank": place, "round": "",
                "roundstage": "Final", "agegroup": "", "competition_ID": f"T{race}", "date": DISCUS_2019[race][0],
                "compName": DISCUS_2019[race][1], "city": DISCUS_2019[race][2]} for race, place, mark in rows]
    return json.dumps({"tpAthleteId": tp_id, "givenName": given, "familyName": family, "gender": "W",
                       "nationality": country, "birthYear": "1990" if country == "CRO" else "", "results": results})


async def test_near_misses_stay_two_athletes(core, db_copy, tmp_path):
    anchors = [("1", "Valarie Allman", "USA", [(0, "6", "63.45"), (1, "4", "64.58")]),
               ("2", "Kristin Pudenz", "GER", [(2, "4", "63.67"), (3, "3", "63.73")])]
    # Her place and mark three times, and once in the same race with another: someone else.
    rival = ("3", "Anna Rival", "CRO", [(0, "5", "63.71"), (1, "3", "64.77"), (2, "3", "63.80"), (3, "4", "62.00")])
    # Her place and mark twice, under a name nothing like hers: not evidence enough.
    twice = ("4", "Maria Twice", "CRO", [(0, "5", "63.71"), (1, "3", "64.77")])
    path = tmp_path / "near.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(_line(*a) for a in (*anchors, rival, twice)) + "\n")
    report = await import_file(core.store, path)
    assert report.summary.athletes == 2 and report.summary.races_linked == 4
    assert athletes_named(db_copy, "Sandra Perković", "Anna Rival", "Maria Twice") == [
        ("Anna Rival", "CRO"), ("Maria Twice", "CRO"), ("Sandra Perković", "CRO")]
    await core.start()
    assert len((await h2h(core, "Sandra Perković", "Anna Rival"))["meetings"]) == 4  # three ties and a win
