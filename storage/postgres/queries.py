"""Read queries behind the core's Queries role, in PostgreSQL: storage.queries' answers, asyncpg's way.

Rows come back as tuples so storage.convert's converters (which slice rows) serve both backends.
Where SQLite's ORDER BY leaves ties, its plan orders them (an index read in id order, then a
stable sort); the last ORDER BY terms here name that order, so both list ties alike.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, AsyncIterator

import asyncpg

from bot.domain.disciplines import discipline
from bot.domain.models import Competition, Meeting, Performance, Race, RaceResults
from bot.store import AthleteStat, Identities, PairStat, SourceSpan, StatedBest
from storage import convert as cv
from storage.queries import athlete_stats

_RACE_JOIN = "JOIN races r ON r.id = res.race_id JOIN competitions c ON c.id = r.competition_id"
_MET = ("x.status != 'DNS' AND y.status != 'DNS' AND x.note != 'DOP' AND y.note != 'DOP' "
        "AND (x.status = '' OR y.status = '') AND r.venues = ''")
_PAIRS = f"""
SELECT x.athlete_id, y.athlete_id, count(*), max(r.day)
FROM results x JOIN results y ON y.race_id = x.race_id AND y.athlete_id != x.athlete_id
JOIN races r ON r.id = x.race_id
WHERE x.athlete_id = ANY($1::bigint[]) AND y.athlete_id = ANY($2::bigint[]) AND {_MET}
GROUP BY x.athlete_id, y.athlete_id
"""
_MEETINGS = f"""
WITH common(race_id) AS (
    SELECT race_id FROM results WHERE athlete_id = $1 INTERSECT SELECT race_id FROM results WHERE athlete_id = $2)
SELECT {cv.RACE_COLS}, {cv.COMPETITION_COLS}, {cv.result_cols('x')}, {cv.result_cols('y')} FROM common
JOIN results x ON x.race_id = common.race_id AND x.athlete_id = $1
JOIN results y ON y.race_id = common.race_id AND y.athlete_id = $2
JOIN races r ON r.id = common.race_id JOIN competitions c ON c.id = r.competition_id
WHERE r.venues = ''
ORDER BY r.day, r.id
"""
# storage.queries.ATHLETE_STATS with string_agg for group_concat; the same packed "n event" list.
ATHLETE_STATS = f"""
SELECT {cv.ATHLETE_COLS}, coalesce(s.n, 0), s.last, s.events FROM athletes a LEFT JOIN (
    SELECT athlete_id, sum(n)::bigint AS n, max(last) AS last, string_agg(n || ' ' || event, chr(30)) AS events
    FROM (SELECT res.athlete_id, r.event, count(*) AS n, max(r.day) AS last
          FROM results res JOIN races r ON r.id = res.race_id {{results}} GROUP BY res.athlete_id, r.event) g
    GROUP BY athlete_id) s ON s.athlete_id = a.id {{athletes}}
"""
_ATHLETE_STATS = ATHLETE_STATS.format(results="", athletes="")
ENTRY_COLS = ("res.race_id, res.athlete_id, res.status = '', "
              "res.status != 'DNS' AND res.note != 'DOP' AND r.venues = '', r.day")
_ENTRIES = f"SELECT {ENTRY_COLS} FROM results res JOIN races r ON r.id = res.race_id ORDER BY res.race_id"


class PostgresReads:
    pool: asyncpg.Pool

    async def _all(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self.pool.fetch(sql, *args)]

    async def _stream(self, sql: str, *args: Any, chunk: int = 5_000) -> AsyncIterator[list[tuple[Any, ...]]]:
        """Rows in chunks from a server-side cursor: a full fetch would be the process's peak memory."""
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            cursor = await conn.cursor(sql, *args)
            while rows := await cursor.fetch(chunk):
                yield [tuple(r) for r in rows]

    async def athlete_stats(self) -> list[AthleteStat]:
        out: list[AthleteStat] = []
        days: dict[str, date] = {}
        async for chunk in self._stream(_ATHLETE_STATS):
            out += athlete_stats(chunk, days)
        return out

    async def competitions(self) -> list[Competition]:
        return [cv.competition(r) for r in await self._all(f"SELECT {cv.COMPETITION_COLS} FROM competitions c")]

    async def pair_stats(self, ids_a: list[int], ids_b: list[int]) -> list[PairStat]:
        rows = await self._all(_PAIRS, ids_a, ids_b)
        return [PairStat(a, b, n, date.fromisoformat(d)) for a, b, n, d in rows]

    def race_entries(self) -> AsyncIterator[list[tuple[int, int, bool, bool, str]]]:
        return self._stream(_ENTRIES)

    async def meetings(self, a: int, b: int) -> list[Meeting]:
        rows = await self._all(_MEETINGS, a, b)
        return [Meeting(cv.race(row), cv.competition(row, 9), cv.result(row, 17), cv.result(row, 26)) for row in rows]

    async def race_results(self, competition_id: int, event: str | None) -> list[RaceResults]:
        where = "r.competition_id = $1"
        args: list[int | str] = [competition_id]
        if event:
            if "/" in event:
                where, args = where + " AND r.event = $2", args + [event]
            else:  # a code without a qualifier brings its variants ('2M' finds '2M/indoor')
                where, args = where + " AND (r.event = $2 OR starts_with(r.event, $2 || '/'))", args + [event]
        rows = await self._all(
            f"SELECT {cv.RACE_RESULT_COLS} FROM results res {_RACE_JOIN} JOIN athletes a ON a.id = res.athlete_id WHERE {where} "
            "ORDER BY r.day, r.event, r.gender, r.round, r.race_no, res.place IS NULL, res.place, res.athlete_id",
            *args)
        return cv.race_results(rows)

    async def coverage(self, athlete_ids: list[int]) -> list[SourceSpan]:
        rows = await self._all(
            f"SELECT res.athlete_id, res.origin, c.series, min(r.day), max(r.day) FROM results res {_RACE_JOIN} "
            "WHERE res.athlete_id = ANY($1::bigint[]) GROUP BY 1, 2, 3", athlete_ids)
        return [SourceSpan(a, o, series, date.fromisoformat(first), date.fromisoformat(last))
                for a, o, series, first, last in rows]

    async def race_labels(self) -> list[tuple[int, str, bool]]:
        return [(cid, label, bool(partial)) for cid, label, partial in await self._all(
            "SELECT competition_id, label, partial FROM races")]

    async def athlete_results(self, athlete_id: int) -> list[Performance]:
        return await self._performances("res.athlete_id = $1", [athlete_id], "r.day DESC, res.race_id")

    async def stated_bests(self, athlete_id: int) -> list[StatedBest]:
        rows = await self._all(f"SELECT {cv.STATED_BEST_COLS} FROM athlete_bests WHERE athlete_id = $1", athlete_id)
        return cv.stated_bests(athlete_id, rows)

    async def season_list(self, event: str, gender: str, season: int | None, limit: int) -> list[Performance]:
        where = ("r.event = $1 AND r.gender = $2 AND res.status = '' AND res.value IS NOT NULL "
                 "AND res.note NOT IN ('DOP', 'SC', 'NV', 'MIX')")
        args: list[Any] = [event, gender]
        if season:
            where += " AND r.day >= $3 AND r.day <= $4"
            args += [f"{season}-01-01", f"{season}-12-31"]
        order = "res.value DESC" if discipline(event).higher_is_better else "res.value ASC"
        return cv.best_per_athlete(await self._performances(where, args, f"{order}, r.day, r.id, res.athlete_id"), limit)

    async def _performances(self, where: str, args: list[Any], order: str) -> list[Performance]:
        rows = await self._all(
            f"SELECT {cv.PERFORMANCE_COLS} FROM results res {_RACE_JOIN} JOIN athletes a ON a.id = res.athlete_id "
            f"WHERE {where} ORDER BY {order}", *args)
        return [cv.performance(r) for r in rows]

    async def seasons(self, event: str, gender: str) -> list[int]:
        rows = await self._all("SELECT DISTINCT substr(day, 1, 4) FROM races WHERE event = $1 AND gender = $2 "
                               "ORDER BY 1", event, gender)
        return [int(y) for (y,) in rows]

    async def upcoming(self, today: date, limit: int) -> list[Competition]:
        rows = await self._all(f"SELECT {cv.COMPETITION_COLS} FROM competitions c WHERE c.end_date >= $1 "
                               "ORDER BY c.start_date LIMIT $2", today.isoformat(), limit)
        return [cv.competition(r) for r in rows]

    async def race(self, race_id: int) -> Race | None:
        rows = await self._all(f"SELECT {cv.RACE_COLS} FROM races r WHERE r.id = $1", race_id)
        return cv.race(rows[0]) if rows else None

    async def source_ids(self, athlete_ids: list[int], scheme: str) -> dict[int, str]:
        rows = await self._all(
            "SELECT athlete_id, MIN(source_id) FROM athlete_ids WHERE scheme = $1 AND athlete_id = ANY($2::bigint[]) "
            "GROUP BY athlete_id", scheme, athlete_ids)
        return {a: i for a, i in rows}

    async def other_versions(self, race_id: int) -> list[tuple[int, int, str, int]]:
        return await self._all(
            "SELECT alt.athlete_id, alt.origin, alt.mark, res.origin FROM result_alternates alt JOIN results res "
            "ON res.race_id = alt.race_id AND res.athlete_id = alt.athlete_id WHERE alt.race_id = $1 "
            "ORDER BY alt.athlete_id, alt.origin DESC", race_id)

    async def identities(self) -> Identities:
        athletes = [cv.athlete(r) for r in await self._all(f"SELECT {cv.ATHLETE_COLS} FROM athletes a")]
        source_ids = {(s, i): a for s, i, a in await self._all("SELECT scheme, source_id, athlete_id FROM athlete_ids")}
        races = [cv.race(r) for r in await self._all(f"SELECT {cv.RACE_COLS} FROM races r")]
        aliases = await self._all("SELECT competition_id, name_key, venue_key FROM competition_aliases")
        race_keys: dict[str, tuple[int, ...]] = {}
        for key, race in await self._all("SELECT key, race_id FROM race_keys ORDER BY key, race_id"):
            race_keys[key] = (*race_keys.get(key, ()), race)
        return Identities(athletes, source_ids, await self.competitions(), races, aliases,
                          race_keys, await self.athlete_aliases())

    async def athlete_aliases(self) -> list[tuple[int, str, str, str]]:
        return await self._all("SELECT athlete_id, name, given, family FROM athlete_aliases")

    async def results_for(self, race_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        out: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for race_id, athlete_id, mark in await self._all(
                "SELECT race_id, athlete_id, mark FROM results WHERE race_id = ANY($1::bigint[])", race_ids):
            out[race_id].append((athlete_id, mark))
        return out
