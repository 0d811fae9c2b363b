"""Two rows of one race never become one athlete silently (issue 13, item 2)."""
import sqlite3

import pytest
from import_files import write_rows
from results_only import core, db_copy  # noqa: F401 (importer rules: the store without the histories)

from bot.errors import ImportFailed
from racebot.importing import import_file

HEADER = "date,competition,venue,event,gender,place,athlete,country,mark,source,athlete_id\n"


def write(tmp_path, suffix, rows):
    return write_rows(tmp_path / f"rows{suffix}", HEADER, rows)


def stored(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM competitions WHERE name = 'Twice Meet'").fetchone()[0]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("second", ["Anna Lena Berg", "Anna-Lena Berg"])
async def test_a_second_row_of_the_same_athlete_in_one_race_is_refused_naming_both_lines(
        core, db_copy, tmp_path, suffix, second):
    rows = [("2025-06-01", "Twice Meet", "X", "800m", "W", "1", "Anna-Lena Berg", "SWE", "2:00.00", "t", ""),
            ("2025-06-01", "Twice Meet", "X", "800m", "W", "2", "Other Runner", "SWE", "2:01.00", "t", ""),
            ("2025-06-01", "Twice Meet", "X", "800m", "W", "3", second, "SWE", "2:02.00", "t", "")]
    with pytest.raises(ImportFailed) as err:
        await import_file(core.store, write(tmp_path, suffix, rows))
    line_of = {".csv": (2, 4), ".json": (1, 3)}[suffix]
    assert err.value.line == line_of[1] and f"line {line_of[0]}" in err.value.reason
    assert "athlete_id" in err.value.reason
    assert stored(db_copy) == 0  # nothing of the file kept


@pytest.mark.parametrize("suffix", [".csv", ".json"])
async def test_namesakes_with_ids_in_one_race_are_two_people(core, db_copy, tmp_path, suffix):
    rows = [("2025-06-01", "Twice Meet", "X", "800m", "W", "1", "Anna-Lena Berg", "SWE", "2:00.00", "t", "901"),
            ("2025-06-01", "Twice Meet", "X", "800m", "W", "2", "Anna Lena Berg", "SWE", "2:02.00", "t", "902")]
    report = await import_file(core.store, write(tmp_path, suffix, rows))
    assert report.summary.athletes == 2 and report.summary.results_added == 2
