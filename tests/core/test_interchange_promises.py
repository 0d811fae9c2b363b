"""The CSV interchange format does what shared/DESIGN.md promises (issue 11, part 3)."""
import sqlite3

import pytest
from import_files import write_rows
from results_only import core, db_copy  # noqa: F401 (importer rules: the store without the histories)

from bot.errors import ImportFailed
from racebot.importing import import_file

HEADER = "date,competition,venue,event,gender,round,race,place,athlete,country,mark,flags,source\n"


def results(db, competition):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT a.name, s.place, s.mark, s.status, s.note, r.race_no FROM results s "
                         "JOIN athletes a ON a.id = s.athlete_id JOIN races r ON r.id = s.race_id "
                         "JOIN competitions k ON k.id = r.competition_id WHERE k.name = ? "
                         "ORDER BY r.race_no, a.name", (competition,)).fetchall()


@pytest.mark.parametrize("suffix", [".csv", ".json"])
async def test_status_words_ties_group_letters_and_other_flags(core, db_copy, tmp_path, suffix):
    rows = [
        ("2025-06-01", "Promise Meet", "Testville", "1500m", "M", "final", "", "1.", "Ann Alpha", "NOR", "3:31.00", "WL PB", "t"),
        ("2025-06-01", "Promise Meet", "Testville", "1500m", "M", "final", "", "DNF", "Ben Beta", "NOR", "", "", "t"),
        ("2025-06-01", "Promise Meet", "Testville", "1500m", "M", "final", "", "DQ", "Cal Gamma", "NOR", "3:30.00", "", "t"),
        ("2025-06-01", "Promise Meet", "Testville", "High Jump", "M", "final", "", "=3", "Dan Delta", "SWE", "2.20", "", "t"),
        ("2025-06-01", "Promise Meet", "Testville", "High Jump", "M", "final", "", "3=", "Eli Eps", "SWE", "2.20", "NB", "t"),
        ("2025-06-01", "Promise Meet", "Testville", "Shot Put", "M", "qualification", "A", "1", "Fay Zeta", "FIN", "20.10", "", "t"),
        ("2025-06-01", "Promise Meet", "Testville", "Shot Put", "M", "qualification", "B", "1", "Gus Eta", "FIN", "20.30", "", "t"),
    ]
    report = await import_file(core.store, write_rows(tmp_path / f"promises{suffix}", HEADER, rows))
    assert report.warnings and "'NB' is not a record flag" in report.warnings[0]
    got = {name: rest for name, *rest in results(db_copy, "Promise Meet")}
    assert got["Ann Alpha"][:3] == [1, "3:31.00", ""]
    assert got["Ben Beta"][:3] == [None, "DNF", "DNF"]
    assert got["Cal Gamma"][:3] == [None, "DQ", "DQ"]
    assert got["Dan Delta"][0] == got["Eli Eps"][0] == 3 and got["Eli Eps"][3] == "NB"
    assert got["Fay Zeta"][4] == 1 and got["Gus Eta"][4] == 2  # group A, group B: two races


@pytest.mark.parametrize("place,mark", [("1", "DNF"), ("DNF", "DQ")])
async def test_a_contradictory_row_stops_the_file_and_keeps_nothing(core, db_copy, tmp_path, place, mark):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + f"2025-06-01,Contra Meet,X,1500m,M,final,,1,Ok Runner,NOR,3:40.00,,t\n"
                             f"2025-06-01,Contra Meet,X,1500m,M,final,,{place},Bad Runner,NOR,{mark},,t\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        await import_file(core.store, path)
    assert err.value.line == 3 and "contradict" in err.value.reason or "says" in err.value.reason
    assert results(db_copy, "Contra Meet") == []
