"""Merge athletes an import's linked races show to be one person, in PostgreSQL
(storage.athlete_merge in SQLite: the rules are bot.ingest.same_athlete's, Merged is shared)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import asyncpg

from bot.ingest.same_athlete import Identity, merges
from storage.athlete_merge import Merged
from storage.postgres.writes import RESULT_COLUMNS, upsert_result

_SAME_PLACE_AND_MARK = """
SELECT DISTINCT x.athlete_id, y.athlete_id FROM results x JOIN results y
  ON y.race_id = x.race_id AND y.athlete_id > x.athlete_id AND y.place = x.place AND y.value = x.value
WHERE x.race_id = ANY($1::bigint[]) AND x.place IS NOT NULL AND x.value IS NOT NULL
ORDER BY 1, 2
"""
_MOVE = upsert_result(RESULT_COLUMNS,
                      "SELECT race_id, $1::bigint, place, mark, value, status, wind, flags, note, source, origin "
                      "FROM results src WHERE src.athlete_id = $2 ORDER BY race_id")
# SQLite's UPDATE OR IGNORE: rows whose new key is taken stay, and go with the athlete
_KEYS = {"result_alternates": ("race_id", "origin"), "athlete_bests": ("event", "indoor"), "athlete_aliases": ("name",)}


async def merge_athletes(conn: asyncpg.Connection, races: Iterable[int]) -> Merged:
    """Merge the athletes these races show to be one."""
    merged = Merged()
    pairs = [tuple(p) for p in await conn.fetch(_SAME_PLACE_AND_MARK, sorted(set(races)))]
    if not pairs:
        return merged
    schemes = await _schemes(conn, {a for pair in pairs for a in pair})
    disjoint = [(a, b) for a, b in pairs if schemes[a] and schemes[b] and not schemes[a] & schemes[b]]
    if not disjoint:
        return merged
    facts = await _identities(conn, {a for pair in disjoint for a in pair}, schemes)
    for a, b in merges((facts[a], facts[b]) for a, b in disjoint):
        keep, gone = (a, b) if a.athlete < b.athlete else (b, a)  # the older id: what others may hold
        newer = max((a, b), key=lambda x: (x.last_day, x.athlete))
        merged.collapsed += len(gone.rows) - await _merge(conn, keep, gone, newer)
        merged.athletes[gone.athlete] = keep.athlete
    return merged


async def _schemes(conn: asyncpg.Connection, athletes: set[int]) -> dict[int, frozenset[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for scheme, athlete in await conn.fetch(
            "SELECT scheme, athlete_id FROM athlete_ids WHERE athlete_id = ANY($1::bigint[])", sorted(athletes)):
        out[athlete].add(scheme)
    return {a: frozenset(out.get(a, ())) for a in athletes}


async def _identities(conn: asyncpg.Connection, athletes: set[int],
                      schemes: dict[int, frozenset[str]]) -> dict[int, Identity]:
    ids = sorted(athletes)
    rows: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    last: dict[int, str] = {}
    for athlete, race, place, value, status, day in await conn.fetch(
            "SELECT s.athlete_id, s.race_id, s.place, s.value, s.status, r.day FROM results s "
            "JOIN races r ON r.id = s.race_id WHERE s.athlete_id = ANY($1::bigint[]) ORDER BY 1, 2", ids):
        rows[athlete][race] = (place, value, status)
        last[athlete] = max(last.get(athlete, ""), day)
    return {a: Identity(a, name, schemes[a], gender, year, born, last.get(a, ""), rows[a])
            for a, name, gender, year, born in await conn.fetch(
                "SELECT id, name, gender, birth_year, birth_date FROM athletes WHERE id = ANY($1::bigint[]) "
                "ORDER BY id", ids)}


async def _merge(conn: asyncpg.Connection, keep: Identity, gone: Identity, newer: Identity) -> int:
    """Merge `gone` into `keep`; the results `keep` gained."""
    k, g = keep.athlete, gone.athlete
    await conn.execute(_MOVE, k, g)
    grew: int = await conn.fetchval("SELECT count(*) FROM results WHERE athlete_id = $1", k)
    grew -= len(keep.rows)
    # the versions kept aside for the merged-away athlete: kept for the athlete now, unless one
    # of that source is kept already; likewise stated bests and older names
    for table, key in _KEYS.items():
        same = " AND ".join(f"o.{c} = t.{c}" for c in key)
        await conn.execute(f"UPDATE {table} t SET athlete_id = $1 WHERE athlete_id = $2 AND NOT EXISTS "
                           f"(SELECT 1 FROM {table} o WHERE o.athlete_id = $1 AND {same})", k, g)
        if table == "result_alternates":
            await conn.execute("DELETE FROM result_alternates WHERE athlete_id = $1", g)
            await conn.execute("DELETE FROM results WHERE athlete_id = $1", g)
            await conn.execute("UPDATE athlete_ids SET athlete_id = $1 WHERE athlete_id = $2", k, g)
        else:
            await conn.execute(f"DELETE FROM {table} WHERE athlete_id = $1", g)
    older = keep if newer is gone else gone
    # the older name still finds the athlete; the newer one, and its country, are shown
    await conn.execute("INSERT INTO athlete_aliases (athlete_id, name, given, family) "
                       "SELECT $1, name, given, family FROM athletes WHERE id = $2 ON CONFLICT DO NOTHING",
                       k, older.athlete)
    await conn.execute(
        "UPDATE athletes SET (name, given, family, country, birth_year, birth_date) = "
        "(SELECT n.name, n.given, n.family, n.country, coalesce(athletes.birth_year, o.birth_year, n.birth_year), "
        "coalesce(athletes.birth_date, o.birth_date, n.birth_date) FROM athletes n, athletes o "
        "WHERE n.id = $1 AND o.id = $2) WHERE id = $3", newer.athlete, older.athlete, k)
    await conn.execute("DELETE FROM athlete_aliases WHERE athlete_id = $1 AND name = "
                       "(SELECT name FROM athletes WHERE id = $1)", k)
    await conn.execute("DELETE FROM athletes WHERE id = $1", g)
    return grew
