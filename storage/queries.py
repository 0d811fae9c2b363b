"""Read queries behind the core's Store interface."""
from __future__ import annotations

import sqlite3
import sys
from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any, AsyncIterator, Callable, TypeVar

from bot.domain.disciplines import discipline
from bot.domain.models import Competition, Meeting, Performance, Race, RaceResults
from bot.store import AthleteStat, Identities, PairStat, SourceSpan, StatedBest
from storage import convert as cv
from storage.connected import Connected
from storage.reader import RACE_JOIN as _RACE_JOIN, Reader
from storage.turns import is_busy
from storage.writer import Writer

T = TypeVar("T")

# A pair "met" when both ran and at least one finished with a valid mark (DNS and annulled never count).
_MET = ("x.status != 'DNS' AND y.status != 'DNS' AND x.note != 'DOP' AND y.note != 'DOP' "
        "AND (x.status = '' OR y.status = '') AND r.venues = ''")
_PAIRS = f"""
SELECT x.athlete_id, y.athlete_id, count(*), max(r.day)
FROM results x JOIN results y ON y.race_id = x.race_id AND y.athlete_id != x.athlete_id
JOIN races r ON r.id = x.race_id
WHERE {{where}} AND {_MET}
GROUP BY x.athlete_id, y.athlete_id
"""

# One row per athlete with its result count, last day and "count event" per event, packed so the
# (athlete, event) groups never exist as Python objects all at once.
_SEP = "\x1e"
ATHLETE_STATS = f"""
SELECT {cv.ATHLETE_COLS}, coalesce(s.n, 0), s.last, s.events FROM athletes a LEFT JOIN (
    SELECT athlete_id, sum(n) AS n, max(last) AS last, group_concat(n || ' ' || event, char(30)) AS events
    FROM (SELECT res.athlete_id, r.event, count(*) AS n, max(r.day) AS last
          FROM results res JOIN races r ON r.id = res.race_id {{results}} GROUP BY res.athlete_id, r.event)
    GROUP BY athlete_id) s ON s.athlete_id = a.id {{athletes}}
"""
_ATHLETE_STATS = ATHLETE_STATS.format(results="", athletes="")
# Every result as the meeting index holds it (bot.h2h.meetings): whether it finished, and whether it
# can make a meeting at all (DNS, annulled and races run in several places never do).
ENTRY_COLS = ("res.race_id, res.athlete_id, res.status = '', "
              "res.status != 'DNS' AND res.note != 'DOP' AND r.venues = '', r.day")
_ENTRIES = f"SELECT {ENTRY_COLS} FROM results res JOIN races r ON r.id = res.race_id ORDER BY res.race_id"


def athlete_stats(rows: list[Any], days: dict[str, date]) -> list[AthleteStat]:
    """Rows of ATHLETE_STATS as the core's AthleteStat; `days` shares the date objects."""
    out = []
    for row in rows:
        n, last, packed = row[8:]
        events = sorted(((int(k), sys.intern(code)) for k, _, code in
                         (p.partition(" ") for p in packed.split(_SEP))), reverse=True) if packed else []
        if last and last not in days:
            days[last] = date.fromisoformat(last)
        out.append(AthleteStat(cv.athlete(row), n, days.get(last), _shared(tuple(code for _, code in events))))
    return out


@lru_cache(maxsize=4096)  # a few hundred distinct event lists among every athlete: one tuple each
def _shared(codes: tuple[str, ...]) -> tuple[str, ...]:
    return codes


class Reads(Connected):
    conn: Writer
    reader: Reader  # synchronous, on the caller's thread: storage.reader

    async def _bounded(self, read: Callable[[Reader], T]) -> T:
        """`read(reader)` inline; on the writer's thread when SQLite refused the reader (storage.reader)."""
        try:
            return read(self.reader)
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
        return await self.conn.run(lambda conn: read(Reader(conn)))

    async def _all(self, sql: str, args: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        return list(await self.conn.execute_fetchall(sql, args))

    async def athlete_stats(self) -> list[AthleteStat]:
        out: list[AthleteStat] = []
        days: dict[str, date] = {}  # tens of thousands of athletes share a few thousand race days
        async for chunk in self._stream(_ATHLETE_STATS):
            out += athlete_stats(chunk, days)
        return out

    async def competitions(self) -> list[Competition]:
        return [cv.competition(r) for r in await self._all(f"SELECT {cv.COMPETITION_COLS} FROM competitions c")]

    async def pair_stats(self, ids_a: list[int], ids_b: list[int]) -> list[PairStat]:
        ma, mb = ",".join("?" * len(ids_a)), ",".join("?" * len(ids_b))
        rows = await self._all(_PAIRS.format(where=f"x.athlete_id IN ({ma}) AND y.athlete_id IN ({mb})"),
                               [*ids_a, *ids_b])
        return [PairStat(a, b, n, date.fromisoformat(d)) for a, b, n, d in rows]

    def race_entries(self) -> AsyncIterator[list[tuple[int, int, bool, bool, str]]]:
        return self._stream(_ENTRIES)

    async def _stream(self, sql: str, args: tuple[Any, ...] = (), chunk: int = 5_000) -> AsyncIterator[list[Any]]:
        """Rows in chunks: at a million results a full fetch would be the process's peak memory."""
        cursor = await self.conn.execute(sql, args)
        try:
            while rows := await cursor.fetchmany(chunk):
                yield rows
        finally:
            await cursor.close()

    async def meetings(self, a: int, b: int) -> list[Meeting]:
        return await self._bounded(lambda r: r.meetings(a, b))

    async def race_results(self, competition_id: int, event: str | None) -> list[RaceResults]:
        return await self._bounded(lambda r: r.race_results(competition_id, event))

    async def coverage(self, athlete_ids: list[int]) -> list[SourceSpan]:
        return await self._bounded(lambda r: r.coverage(athlete_ids))

    async def race_labels(self) -> list[tuple[int, str, bool]]:
        return [(cid, label, bool(partial)) for cid, label, partial in await self._all(
            "SELECT competition_id, label, partial FROM races")]  # every race: the index counts them too

    async def athlete_results(self, athlete_id: int) -> list[Performance]:
        return await self._performances("res.athlete_id = ?", [athlete_id], "r.day DESC")

    async def stated_bests(self, athlete_id: int) -> list[StatedBest]:
        rows = await self._all(f"SELECT {cv.STATED_BEST_COLS} FROM athlete_bests WHERE athlete_id = ?", (athlete_id,))
        return cv.stated_bests(athlete_id, rows)

    async def season_list(self, event: str, gender: str, season: int | None, limit: int) -> list[Performance]:
        where = ("r.event = ? AND r.gender = ? AND res.status = '' AND res.value IS NOT NULL "
                 "AND res.note NOT IN ('DOP', 'SC', 'NV', 'MIX')")
        args: list[Any] = [event, gender]
        if season:
            where += " AND r.day >= ? AND r.day <= ?"
            args += [f"{season}-01-01", f"{season}-12-31"]
        order = "res.value DESC" if discipline(event).higher_is_better else "res.value ASC"
        return cv.best_per_athlete(await self._performances(where, args, f"{order}, r.day"), limit)

    async def _performances(self, where: str, args: list[Any], order: str) -> list[Performance]:
        rows = await self._all(
            f"SELECT {cv.PERFORMANCE_COLS} FROM results res {_RACE_JOIN} JOIN athletes a ON a.id = res.athlete_id "
            f"WHERE {where} ORDER BY {order}", args)
        return [cv.performance(r) for r in rows]

    async def seasons(self, event: str, gender: str) -> list[int]:
        rows = await self._all("SELECT DISTINCT substr(day, 1, 4) FROM races WHERE event = ? AND gender = ? "
                               "ORDER BY 1", (event, gender))
        return [int(y) for (y,) in rows]

    async def upcoming(self, today: date, limit: int) -> list[Competition]:
        rows = await self._all(f"SELECT {cv.COMPETITION_COLS} FROM competitions c WHERE c.end_date >= ? "
                               "ORDER BY c.start_date LIMIT ?", (today.isoformat(), limit))
        return [cv.competition(r) for r in rows]

    async def race(self, race_id: int) -> Race | None:
        rows = await self._all(f"SELECT {cv.RACE_COLS} FROM races r WHERE r.id = ?", (race_id,))
        return cv.race(rows[0]) if rows else None

    async def source_ids(self, athlete_ids: list[int], scheme: str) -> dict[int, str]:
        # Inline on the reader: a card's few ids cost microseconds, not a thread hop per answer.
        return await self._bounded(lambda r: r.source_ids(athlete_ids, scheme))

    async def other_versions(self, race_id: int) -> list[tuple[int, int, str, int]]:
        return await self._all(
            "SELECT alt.athlete_id, alt.origin, alt.mark, res.origin FROM result_alternates alt JOIN results res "
            "ON res.race_id = alt.race_id AND res.athlete_id = alt.athlete_id WHERE alt.race_id = ? "
            "ORDER BY alt.athlete_id, alt.origin DESC", (race_id,))

    async def identities(self) -> Identities:
        athletes = [cv.athlete(r) for r in await self._all(f"SELECT {cv.ATHLETE_COLS} FROM athletes a")]
        source_ids = {(s, i): a for s, i, a in await self._all("SELECT scheme, source_id, athlete_id FROM athlete_ids")}
        races = [cv.race(r) for r in await self._all(f"SELECT {cv.RACE_COLS} FROM races r")]
        aliases = await self._all("SELECT competition_id, name_key, venue_key FROM competition_aliases")
        race_keys: dict[str, tuple[int, ...]] = {}
        for key, race in await self._all("SELECT key, race_id FROM race_keys ORDER BY key, race_id"):
            race_keys[key] = (*race_keys.get(key, ()), race)
        return Identities(athletes, source_ids, await self.competitions(), races, [tuple(a) for a in aliases],
                          race_keys, await self.athlete_aliases())

    async def athlete_aliases(self) -> list[tuple[int, str, str, str]]:
        return [tuple(r) for r in await self._all("SELECT athlete_id, name, given, family FROM athlete_aliases")]

    async def results_for(self, race_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        out: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for chunk in range(0, len(race_ids), 500):
            part = race_ids[chunk:chunk + 500]
            for race_id, athlete_id, mark in await self._all(
                    f"SELECT race_id, athlete_id, mark FROM results WHERE race_id IN ({','.join('?' * len(part))})", part):
                out[race_id].append((athlete_id, mark))
        return out
