"""Reads bounded by an index, run synchronously on the caller's thread (the event loop's).

A head-to-head's meetings take 30-300 us in SQLite; handing them to the writer's thread and
back costs 100-200 us more on an idle machine (thread wake-ups), most of /h2h's time at a
million results. So these are plain methods on a second, query-only connection.

They never take a lock the event loop waits on: a WAL reader reads its snapshot while another
connection writes (this process's writer or another `racebot import`), and it waits for no
asyncio lock nor the writer's queue. The connection's busy timeout is 0, so in the rare cases
SQLite does refuse a reader (another connection recovering the WAL after a crash, or holding the
file in exclusive locking mode) a call raises at once (`is_busy`) rather than sleep on the loop;
the store then asks its writer's thread instead (storage.queries), where a wait blocks no one.
"""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bot.domain.models import Meeting, RaceResults
from bot.store import SourceSpan
from storage import convert as cv
from storage.sql_functions import with_functions

SPANS_HELD = 20_000  # athletes whose source spans the reader keeps: past it, it starts afresh
RACE_JOIN = "JOIN races r ON r.id = res.race_id JOIN competitions c ON c.id = r.competition_id"
# Both athletes' race ids come from the covering (athlete_id, race_id) index and are intersected
# before any row is read: a self-join driven by one side reads every race of the busier athlete.
_MEETINGS = f"""
WITH common(race_id) AS (
    SELECT race_id FROM results WHERE athlete_id = ?1 INTERSECT SELECT race_id FROM results WHERE athlete_id = ?2)
SELECT {cv.RACE_COLS}, {cv.COMPETITION_COLS}, {cv.result_cols('x')}, {cv.result_cols('y')} FROM common
JOIN results x ON x.race_id = common.race_id AND x.athlete_id = ?1
JOIN results y ON y.race_id = common.race_id AND y.athlete_id = ?2
JOIN races r ON r.id = common.race_id JOIN competitions c ON c.id = r.competition_id
WHERE r.venues = ''
ORDER BY r.day, r.id
"""


def query_only(path: str | Path) -> sqlite3.Connection:
    """The query-only connection a Reader reads through on the loop."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA busy_timeout = 0")  # on the event loop: never wait
    with_functions(conn)
    return conn



class Reader:
    """Plain, synchronous reads over one connection: the store's query-only one on the loop, or
    its writer's on the writer's thread when SQLite refused the first."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # athlete -> their source spans, as of `_version`: an /h2h answer's footnote read every
        # result of both athletes (two thirds of its time at a million results), and it changes
        # only when results do
        self._spans: dict[int, list[SourceSpan]] = {}
        self._version = -1

    def meetings(self, a: int, b: int) -> list[Meeting]:
        rows = self.conn.execute(_MEETINGS, (a, b)).fetchall()
        return [Meeting(cv.race(row), cv.competition(row, 9), cv.result(row, 17), cv.result(row, 26)) for row in rows]

    def race_results(self, competition_id: int, event: str | None) -> list[RaceResults]:
        """One competition's races, found by index."""
        where = "r.competition_id = ?"
        args: list[int | str] = [competition_id]
        if event:
            if "/" in event:
                where, args = where + " AND r.event = ?", args + [event]
            else:  # a code without a qualifier brings its variants ('2M' finds '2M/indoor')
                where, args = where + " AND (r.event = ? OR r.event GLOB ?)", args + [event, f"{event}/*"]
        rows = self.conn.execute(
            f"SELECT {cv.RACE_RESULT_COLS} FROM results res {RACE_JOIN} JOIN athletes a ON a.id = res.athlete_id WHERE {where} "
            "ORDER BY r.day, r.event, r.gender, r.round, r.race_no, res.place IS NULL, res.place", args).fetchall()
        return cv.race_results(rows)

    def coverage(self, athlete_ids: list[int]) -> list[SourceSpan]:
        """Bounded by the (athlete_id, race_id) index; each athlete's read once until another
        connection (the store's writer, another process) commits."""
        version = self.data_version()
        if version != self._version or len(self._spans) > SPANS_HELD:
            self._spans, self._version = {}, version
        wanted = list(dict.fromkeys(athlete_ids))
        missing = [a for a in wanted if a not in self._spans]
        if missing:
            marks = ",".join("?" * len(missing))
            rows = self.conn.execute(
                f"SELECT res.athlete_id, res.origin, c.series, min(r.day), max(r.day) FROM results res {RACE_JOIN} "
                f"WHERE res.athlete_id IN ({marks}) GROUP BY 1, 2, 3", missing).fetchall()
            for a in missing:
                self._spans[a] = []
            for a, o, series, first, last in rows:
                self._spans[a].append(SourceSpan(a, o, series, date.fromisoformat(first), date.fromisoformat(last)))
        return [span for a in sorted(wanted) for span in self._spans[a]]  # as GROUP BY gave them

    def source_ids(self, athlete_ids: list[int], scheme: str) -> dict[int, str]:
        """Reads the athletes' ids through athlete_ids_athlete (schema 11): without it the primary
        key (scheme, source_id) scanned the whole scheme, 5 ms of each /h2h at a million results."""
        marks = ",".join("?" * len(athlete_ids))
        rows = self.conn.execute(
            f"SELECT athlete_id, MIN(source_id) FROM athlete_ids WHERE scheme = ? AND athlete_id IN ({marks}) "
            "GROUP BY athlete_id", [scheme, *athlete_ids]).fetchall()
        return {a: i for a, i in rows}

    def follows_version(self) -> int:
        """The last committed entry of the follows' change log (storage.follows)."""
        version: int = self.conn.execute("SELECT coalesce(max(seq), 0) FROM follow_changes").fetchone()[0]
        return version

    def data_version(self) -> int:
        """Changes by other connections since this one opened (PRAGMA data_version)."""
        version: int = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return version
