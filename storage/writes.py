"""The statements an import's write plan becomes, shared by WriteTx.apply and the bulk writer."""
from __future__ import annotations

from typing import Any

from bot.search.names import fold
from bot.store import WritePlan
from storage.scalar import scalar
from storage.writer import Writer


def upsert_result(columns: str, source: str = "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") -> str:
    """Insert a result, or update it when something shown changed (which bumps its revision).

    A version from a source of lower precedence (`origin`) never replaces the shown one: the
    store's triggers keep it aside (storage/migrations/m004_linking.py), as they keep the one a
    higher precedence replaces. A source that gives no wind or no flags says nothing about them:
    what another source gave stays."""
    return f"""
INSERT INTO results ({columns}) {source}
ON CONFLICT (race_id, athlete_id) DO UPDATE SET
    place = excluded.place, mark = excluded.mark, value = excluded.value, status = excluded.status,
    wind = coalesce(excluded.wind, results.wind),
    flags = CASE excluded.flags WHEN '' THEN results.flags ELSE excluded.flags END,
    note = excluded.note, source = excluded.source, origin = excluded.origin, revision = results.revision + 1
WHERE results.place IS NOT excluded.place OR results.mark IS NOT excluded.mark
   OR results.status IS NOT excluded.status OR results.note IS NOT excluded.note
   OR (excluded.flags != '' AND results.flags IS NOT excluded.flags)
   OR (excluded.wind IS NOT NULL AND results.wind IS NOT excluded.wind)
"""


UPSERT_RESULT = upsert_result("race_id, athlete_id, place, mark, value, status, wind, flags, note, source, origin")


ATHLETE_COLUMNS = "name, given, family, country, gender, birth_year, birth_date"
COMPETITION_COLUMNS = "name, venue, country, start_date, end_date, series, category"
RACE_COLUMNS = "competition_id, event, gender, round, race_no, day, wind, label, venues, partial"


def athlete_rows(plan: WritePlan) -> list[tuple[int, tuple[Any, ...]]]:
    return [(a.key, (a.name, a.given, a.family, a.country, a.gender, a.birth_year,
                     a.birth_date.isoformat() if a.birth_date else None)) for a in plan.athletes]


def competition_rows(plan: WritePlan) -> list[tuple[int, tuple[Any, ...]]]:
    return [(c.key, (c.name, c.venue, c.country, c.start.isoformat(), c.end.isoformat(), c.series, c.category))
            for c in plan.competitions]


def race_rows(plan: WritePlan, ids: dict[int, int]) -> list[tuple[int, tuple[Any, ...]]]:
    return [(r.key, (ids.get(r.competition, r.competition), r.event, r.gender, r.round, r.race_no,
                     r.day.isoformat(), r.wind, r.label, r.venues, int(r.partial))) for r in plan.races]


async def insert_parents(db: Writer, plan: WritePlan, ids: dict[int, int]) -> None:
    """The plan's athletes, source ids, competitions and races; `ids` gains placeholder -> id."""
    ids.update(await insert_with_ids(db, "athletes", athlete_rows(plan), ATHLETE_COLUMNS))
    if plan.renames:
        await db.executemany(_KEEP_OLD_NAME, [(aid,) for aid, *_ in plan.renames])
        await db.executemany(_RENAME, [(name, given, family, year, day.isoformat() if day else None, aid)
                                       for aid, name, given, family, year, day in plan.renames])
    if plan.source_ids:
        await db.executemany("INSERT OR IGNORE INTO athlete_ids (scheme, source_id, athlete_id) VALUES (?, ?, ?)",
                             [(s, i, ids.get(a, a)) for s, i, a in plan.source_ids])
    ids.update(await insert_with_ids(db, "competitions", competition_rows(plan), COMPETITION_COLUMNS))
    ids.update(await insert_with_ids(db, "races", race_rows(plan, ids), RACE_COLUMNS))
    if plan.aliases:
        await db.executemany(ADD_ALIAS, alias_rows(plan, ids))
    if plan.race_keys:
        await db.executemany(ADD_RACE_KEY, race_key_rows(plan, ids))
    if plan.bests:
        await db.executemany(_UPSERT_BEST, [
            (ids.get(b.athlete, b.athlete), b.event, int(b.indoor), b.mark, b.value,
             b.day.isoformat() if b.day else None, b.competition, b.source, int(b.higher_is_better))
            for b in plan.bests])


_KEEP_OLD_NAME = ("INSERT OR IGNORE INTO athlete_aliases (athlete_id, name, given, family) "
                  "SELECT id, name, given, family FROM athletes WHERE id = ?")
_RENAME = ("UPDATE athletes SET name = ?, given = ?, family = ?, birth_year = coalesce(birth_year, ?), "
           "birth_date = coalesce(birth_date, ?) WHERE id = ?")

# A stated best stays until a better one arrives (from any later import), whichever way better goes.
_UPSERT_BEST = """
INSERT INTO athlete_bests (athlete_id, event, indoor, mark, value, day, competition, source)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (athlete_id, event, indoor) DO UPDATE SET mark = excluded.mark, value = excluded.value,
    day = excluded.day, competition = excluded.competition, source = excluded.source
WHERE CASE WHEN ?9 THEN excluded.value > athlete_bests.value ELSE excluded.value < athlete_bests.value END
"""
ADD_ALIAS = "INSERT OR IGNORE INTO competition_aliases VALUES (?, ?, ?, ?, ?)"
ADD_RACE_KEY = "INSERT OR IGNORE INTO race_keys (key, race_id) VALUES (?, ?)"


def race_key_rows(plan: WritePlan, ids: dict[int, int]) -> list[tuple[str, int]]:
    return [(key, ids.get(race, race)) for key, race in plan.race_keys]


def alias_rows(plan: WritePlan, ids: dict[int, int]) -> list[tuple[Any, ...]]:
    return [(ids.get(cid, cid), fold(name), fold(venue), name, venue) for cid, name, venue in plan.aliases]


async def insert_with_ids(db: Writer, table: str, rows: list[tuple[int, tuple[Any, ...]]],
                          columns: str) -> dict[int, int]:
    """Insert rows under fresh ids taken inside the write transaction; map placeholder -> id."""
    if not rows:
        return {}
    top = await scalar(db, f"SELECT coalesce(max(id), 0) FROM {table}")
    mapping = {key: top + n for n, (key, _) in enumerate(rows, start=1)}
    marks = ", ".join("?" * (len(rows[0][1]) + 1))
    await db.executemany(f"INSERT INTO {table} (id, {columns}) VALUES ({marks})",
                         [(mapping[key], *values) for key, values in rows])
    return mapping


async def count_rows(db: Writer, table: str) -> int:
    return await scalar(db, f"SELECT count(*) FROM {table}")
