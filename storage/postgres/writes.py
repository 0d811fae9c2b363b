"""The statements an import's write plan becomes in PostgreSQL, shared by WriteTx.apply, the bulk
writer and linking: storage/writes.py's, with arrays (unnest) where SQLite reads json_each, so a
plan's rows go in one statement each and its status line counts what it touched."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg

from bot.search.names import fold
from bot.store import WritePlan
from storage.writes import (ATHLETE_COLUMNS, COMPETITION_COLUMNS, RACE_COLUMNS, alias_rows, athlete_rows,
                            competition_rows, race_key_rows, race_rows)

RESULT_COLUMNS = "race_id, athlete_id, place, mark, value, status, wind, flags, note, source, origin"
RESULT_TYPES = ("bigint", "bigint", "integer", "text", "float8", "text", "float8", "text", "text", "text", "integer")


def upsert_result(columns: str, source: str) -> str:
    """storage.writes.upsert_result in PostgreSQL: IS DISTINCT FROM is SQLite's IS NOT, and the
    precedence triggers (schema step 4) keep aside the version not shown."""
    return f"""
INSERT INTO results AS results ({columns}) {source}
ON CONFLICT (race_id, athlete_id) DO UPDATE SET
    place = excluded.place, mark = excluded.mark, value = excluded.value, status = excluded.status,
    wind = coalesce(excluded.wind, results.wind),
    flags = CASE excluded.flags WHEN '' THEN results.flags ELSE excluded.flags END,
    note = excluded.note, source = excluded.source, origin = excluded.origin, revision = results.revision + 1
WHERE results.place IS DISTINCT FROM excluded.place OR results.mark IS DISTINCT FROM excluded.mark
   OR results.status IS DISTINCT FROM excluded.status OR results.note IS DISTINCT FROM excluded.note
   OR (excluded.flags != '' AND results.flags IS DISTINCT FROM excluded.flags)
   OR (excluded.wind IS NOT NULL AND results.wind IS DISTINCT FROM excluded.wind)
"""


def unnest(types: Sequence[str]) -> str:
    """SELECT * FROM unnest($1::t1[], $2::t2[], ...): one parameter per column."""
    return "SELECT * FROM unnest(" + ", ".join(f"${n}::{t}[]" for n, t in enumerate(types, start=1)) + ")"


def columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows -> one list per column, for unnest."""
    return [list(c) for c in zip(*rows)] if rows else [[] for _ in range(width)]


UPSERT_RESULTS = upsert_result(RESULT_COLUMNS, unnest(RESULT_TYPES))


def touched(status: str) -> int:
    """The rows an INSERT/UPDATE/DELETE status line counts ("INSERT 0 12", "UPDATE 3")."""
    return int(status.rsplit(" ", 1)[-1])


def waves(rows: Sequence[Sequence[Any]]) -> list[list[Sequence[Any]]]:
    """Rows split so no wave holds one (race, athlete) twice: an upsert may touch a row once per
    statement, and SQLite's executemany applies repeats in turn; so do the waves."""
    seen: dict[tuple[Any, Any], int] = {}
    out: list[list[Sequence[Any]]] = []
    for row in rows:
        n = seen.get((row[0], row[1]), -1) + 1
        seen[(row[0], row[1])] = n
        if n == len(out):
            out.append([])
        out[n].append(row)
    return out


async def upsert_results(conn: asyncpg.Connection, rows: Sequence[Sequence[Any]]) -> int:
    """Result rows (RESULT_COLUMNS, ids resolved) upserted; the rows inserted or changed."""
    count = 0
    for wave in waves(rows):
        count += touched(await conn.execute(UPSERT_RESULTS, *columns(wave, len(RESULT_TYPES))))
    return count


_ATHLETE_TYPES = ("bigint", "text", "text", "text", "text", "text", "integer", "text")
_COMPETITION_TYPES = ("bigint", "text", "text", "text", "text", "text", "text", "text")
_RACE_TYPES = ("bigint", "bigint", "text", "text", "text", "integer", "text", "float8", "text", "text", "integer")


async def insert_parents(conn: asyncpg.Connection, plan: WritePlan, ids: dict[int, int]) -> None:
    """The plan's athletes, source ids, competitions and races; `ids` gains placeholder -> id."""
    ids.update(await insert_with_ids(conn, "athletes", athlete_rows(plan), ATHLETE_COLUMNS, _ATHLETE_TYPES))
    if plan.renames:
        await conn.execute(_KEEP_OLD_NAME, [aid for aid, *_ in plan.renames])
        await conn.executemany(_RENAME, [(name, given, family, year, day.isoformat() if day else None, aid)
                                         for aid, name, given, family, year, day in plan.renames])
    if plan.source_ids:
        await conn.execute(ADD_SOURCE_IDS, *columns([(s, i, ids.get(a, a)) for s, i, a in plan.source_ids], 3))
    ids.update(await insert_with_ids(conn, "competitions", competition_rows(plan), COMPETITION_COLUMNS,
                                     _COMPETITION_TYPES))
    ids.update(await insert_with_ids(conn, "races", race_rows(plan, ids), RACE_COLUMNS, _RACE_TYPES))
    if plan.aliases:
        await conn.execute(ADD_ALIASES, *columns(alias_rows(plan, ids), 5))
    if plan.race_keys:
        await conn.execute(ADD_RACE_KEYS, *columns(race_key_rows(plan, ids), 2))
    if plan.bests:
        await conn.executemany(_UPSERT_BEST, [
            (ids.get(b.athlete, b.athlete), b.event, int(b.indoor), b.mark, b.value,
             b.day.isoformat() if b.day else None, b.competition, b.source, b.higher_is_better)
            for b in plan.bests])


_KEEP_OLD_NAME = ("INSERT INTO athlete_aliases (athlete_id, name, given, family) "
                  "SELECT id, name, given, family FROM athletes WHERE id = ANY($1::bigint[]) ON CONFLICT DO NOTHING")
_RENAME = ("UPDATE athletes SET name = $1, given = $2, family = $3, birth_year = coalesce(birth_year, $4), "
           "birth_date = coalesce(birth_date, $5) WHERE id = $6")
_UPSERT_BEST = """
INSERT INTO athlete_bests AS b (athlete_id, event, indoor, mark, value, day, competition, source)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (athlete_id, event, indoor) DO UPDATE SET mark = excluded.mark, value = excluded.value,
    day = excluded.day, competition = excluded.competition, source = excluded.source
WHERE CASE WHEN $9::boolean THEN excluded.value > b.value ELSE excluded.value < b.value END
"""
ADD_SOURCE_IDS = ("INSERT INTO athlete_ids (scheme, source_id, athlete_id) "
                  f"{unnest(('text', 'text', 'bigint'))} ON CONFLICT DO NOTHING")
ADD_ALIASES = ("INSERT INTO competition_aliases (competition_id, name_key, venue_key, name, venue) "
               f"{unnest(('bigint', 'text', 'text', 'text', 'text'))} ON CONFLICT DO NOTHING")
ADD_RACE_KEYS = f"INSERT INTO race_keys (key, race_id) {unnest(('text', 'bigint'))} ON CONFLICT DO NOTHING"


async def add_alias(conn: asyncpg.Connection, competition: int, name: str, venue: str) -> None:
    await conn.execute(ADD_ALIASES, [competition], [fold(name)], [fold(venue)], [name], [venue])


async def top_id(conn: asyncpg.Connection, table: str) -> int:
    top: int = await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
    return top


async def insert_with_ids(conn: asyncpg.Connection, table: str, rows: list[tuple[int, tuple[Any, ...]]],
                          cols: str, types: Sequence[str], top: int | None = None) -> dict[int, int]:
    """Insert rows under fresh ids above the largest stored (one writer at a time: the write lock);
    map placeholder -> id. The ids' sequence is moved past them when the unit of work ends."""
    if not rows:
        return {}
    if top is None:
        top = await top_id(conn, table)
    mapping = {key: top + n for n, (key, _) in enumerate(rows, start=1)}
    await conn.execute(f"INSERT INTO {table} (id, {cols}) {unnest(types)}",
                       *columns([(mapping[key], *values) for key, values in rows], len(types)))
    return mapping


async def advance_ids(conn: asyncpg.Connection, tables: Iterable[str] = ("athletes", "competitions", "races")) -> None:
    """Each table's id sequence past its largest id: the writers give ids themselves."""
    for table in tables:
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")


async def count_rows(conn: asyncpg.Connection, table: str) -> int:
    count: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return count
