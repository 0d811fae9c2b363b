"""Merge athletes an import's linked races show to be one person, inside its transaction.

The rules are the core's (bot.ingest.same_athlete); this finds the candidates (two athletes with
the same place and mark in a race the import wrote to), gathers their facts, and merges each
pair found: the results move through the same upsert every write uses (so where both had a row,
precedence decides which version is shown and keeps the other), the source ids, stated bests
and older names follow, and the newer identity's name and country are shown.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from bot.ingest.same_athlete import Identity, merges
from storage.scalar import scalar
from storage.writes import upsert_result
from storage.writer import Writer

_SAME_PLACE_AND_MARK = """
SELECT DISTINCT x.athlete_id, y.athlete_id FROM results x JOIN results y
  ON y.race_id = x.race_id AND y.athlete_id > x.athlete_id AND y.place = x.place AND y.value = x.value
WHERE x.race_id IN (SELECT value FROM json_each(?)) AND x.place IS NOT NULL AND x.value IS NOT NULL
"""
_MOVE = upsert_result(
    "race_id, athlete_id, place, mark, value, status, wind, flags, note, source, origin",
    "SELECT race_id, ?, place, mark, value, status, wind, flags, note, source, origin "
    "FROM results src WHERE src.athlete_id = ? ORDER BY race_id")


@dataclass
class Merged:
    athletes: dict[int, int] = field(default_factory=dict)  # merged away -> kept
    collapsed: int = 0  # results gone: both athletes had a row in the race, one row is left


async def merge_athletes(db: Writer, races: Iterable[int]) -> Merged:
    """Merge the athletes these races show to be one."""
    merged = Merged()
    pairs = await db.execute_fetchall(_SAME_PLACE_AND_MARK, (json.dumps(sorted(set(races))),))
    if not pairs:
        return merged
    schemes = await _schemes(db, {a for pair in pairs for a in pair})
    disjoint = [(a, b) for a, b in pairs if schemes[a] and schemes[b] and not schemes[a] & schemes[b]]
    if not disjoint:
        return merged
    facts = await _identities(db, {a for pair in disjoint for a in pair}, schemes)
    for a, b in merges((facts[a], facts[b]) for a, b in disjoint):
        keep, gone = (a, b) if a.athlete < b.athlete else (b, a)  # the older id: what others may hold
        newer = max((a, b), key=lambda x: (x.last_day, x.athlete))
        merged.collapsed += len(gone.rows) - await _merge(db, keep, gone, newer)
        merged.athletes[gone.athlete] = keep.athlete
    return merged


async def _schemes(db: Writer, athletes: set[int]) -> dict[int, frozenset[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for scheme, athlete in await db.execute_fetchall(
            "SELECT scheme, athlete_id FROM athlete_ids WHERE athlete_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(athletes)),)):
        out[athlete].add(scheme)
    return {a: frozenset(out.get(a, ())) for a in athletes}


async def _identities(db: Writer, athletes: set[int],
                      schemes: dict[int, frozenset[str]]) -> dict[int, Identity]:
    ids = json.dumps(sorted(athletes))
    rows: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)
    last: dict[int, str] = {}
    for athlete, race, place, value, status, day in await db.execute_fetchall(
            "SELECT s.athlete_id, s.race_id, s.place, s.value, s.status, r.day FROM results s "
            "JOIN races r ON r.id = s.race_id WHERE s.athlete_id IN (SELECT value FROM json_each(?))", (ids,)):
        rows[athlete][race] = (place, value, status)
        last[athlete] = max(last.get(athlete, ""), day)
    return {a: Identity(a, name, schemes[a], gender, year, born, last.get(a, ""), rows[a])
            for a, name, gender, year, born in await db.execute_fetchall(
                "SELECT id, name, gender, birth_year, birth_date FROM athletes "
                "WHERE id IN (SELECT value FROM json_each(?))", (ids,))}


async def _merge(db: Writer, keep: Identity, gone: Identity, newer: Identity) -> int:
    """Merge `gone` into `keep`; the results `keep` gained."""
    k, g = keep.athlete, gone.athlete
    await db.execute(_MOVE, (k, g))
    grew = await scalar(db, "SELECT count(*) FROM results WHERE athlete_id = ?", (k,))
    grew -= len(keep.rows)
    # the versions kept aside for the merged-away athlete: kept for the athlete now, unless one
    # of that source is kept already
    await db.execute("UPDATE OR IGNORE result_alternates SET athlete_id = ? WHERE athlete_id = ?", (k, g))
    for table in ("result_alternates", "results"):
        await db.execute(f"DELETE FROM {table} WHERE athlete_id = ?", (g,))
    await db.execute("UPDATE athlete_ids SET athlete_id = ? WHERE athlete_id = ?", (k, g))
    for table in ("athlete_bests", "athlete_aliases"):
        await db.execute(f"UPDATE OR IGNORE {table} SET athlete_id = ? WHERE athlete_id = ?", (k, g))
        await db.execute(f"DELETE FROM {table} WHERE athlete_id = ?", (g,))
    older = keep if newer is gone else gone
    # the older name still finds the athlete; the newer one, and its country, are shown
    await db.execute("INSERT OR IGNORE INTO athlete_aliases (athlete_id, name, given, family) "
                     "SELECT ?, name, given, family FROM athletes WHERE id = ?", (k, older.athlete))
    await db.execute(
        "UPDATE athletes SET (name, given, family, country, birth_year, birth_date) = "
        "(SELECT n.name, n.given, n.family, n.country, coalesce(athletes.birth_year, o.birth_year, n.birth_year), "
        "coalesce(athletes.birth_date, o.birth_date, n.birth_date) FROM athletes n, athletes o "
        "WHERE n.id = ? AND o.id = ?) WHERE id = ?", (newer.athlete, older.athlete, k))
    await db.execute("DELETE FROM athlete_aliases WHERE athlete_id = ? AND name = "
                     "(SELECT name FROM athletes WHERE id = ?)", (k, k))
    await db.execute("DELETE FROM athletes WHERE id = ?", (g,))
    return grew
