"""Link an import's new races to the races already stored, in PostgreSQL (storage.linking in SQLite).

The rules are the core's (bot.ingest.linking); the candidates, the moves through the upsert (the
precedence triggers decide which version is shown) and the folding of competitions are
storage.linking's, with arrays for SQLite's json_each. Linked and Tops are shared.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import asyncpg

from bot.ingest.linking import Entry, decide
from storage.linking import Linked, Tops
from storage.postgres.athlete_merge import merge_athletes
from storage.postgres.writes import RESULT_COLUMNS, add_alias, touched, upsert_result

_CANDIDATES = """
SELECT n.id, o.id FROM races n JOIN races o
  ON o.event = n.event AND o.gender = n.gender AND o.day = n.day AND o.round = n.round AND o.id <= $1
WHERE n.id > $1 AND EXISTS (SELECT 1 FROM results rn JOIN results ro
                            ON ro.race_id = o.id AND ro.athlete_id = rn.athlete_id WHERE rn.race_id = n.id)
"""
_FROM = ("SELECT $1::bigint, athlete_id, place, mark, value, status, wind, flags, note, source, origin "
         "FROM results src WHERE src.race_id = $2")
_ONLY = " AND src.athlete_id = ANY($3::bigint[])"  # some athletes' rows (a split race)
# ORDER BY: the rows go in key order, as SQLite's scan of the race's rows does
_MOVE = upsert_result(RESULT_COLUMNS, _FROM + " ORDER BY athlete_id")
_MOVE_SOME = upsert_result(RESULT_COLUMNS, _FROM + _ONLY + " ORDER BY athlete_id")


async def tops(conn: asyncpg.Connection) -> Tops:
    row = await conn.fetchrow(
        "SELECT (SELECT coalesce(max(id), 0) FROM races), (SELECT coalesce(max(id), 0) FROM competitions)")
    return Tops(row[0], row[1])


_COVER = """
UPDATE competitions SET
    start_date = least(start_date, (SELECT min(day) FROM races WHERE competition_id = competitions.id)),
    end_date = greatest(end_date, (SELECT max(day) FROM races WHERE competition_id = competitions.id))
WHERE id IN (SELECT competition_id FROM races WHERE id > $1)
"""


async def link_new(conn: asyncpg.Connection, before: Tops) -> Linked:
    linked = Linked()
    await _link(conn, before, linked)
    # athletes one person under two identities: storage.linking.link_new says why
    written = await conn.fetch("SELECT id FROM races WHERE id > $1", before.races)
    touched_races = {t for new in linked.mapping() for t in linked.targets(new)} | {r for (r,) in written}
    merged = await merge_athletes(conn, touched_races)
    linked.merged, linked.dropped = merged.athletes, linked.dropped + merged.collapsed
    if linked.merged:
        await _link(conn, before, linked)
    await conn.execute(_COVER, before.races)
    return linked


async def _link(conn: asyncpg.Connection, before: Tops, linked: Linked) -> None:
    pairs = [tuple(p) for p in await conn.fetch(_CANDIDATES, before.races)]
    if not pairs:
        return
    entries = await _entries(conn, {r for pair in pairs for r in pair})
    fresh, shares = decide(pairs, entries)
    if fresh or shares:
        comps = await _competitions_of(conn, set(fresh) | set(fresh.values()) | set(shares)
                                       | {old for parts in shares.values() for old in parts})
        for new, old in fresh.items():
            await _move(conn, linked, new, old, None)
            # its source's key goes with it, so the next import finds the race (SQLite's UPDATE OR IGNORE)
            await conn.execute("UPDATE race_keys k SET race_id = $1 WHERE race_id = $2 AND NOT EXISTS "
                               "(SELECT 1 FROM race_keys o WHERE o.key = k.key AND o.race_id = $1)", old, new)
            await _drop(conn, new)
            _landed(linked, new, (old,))
        for new, parts in shares.items():
            for old, athletes in parts.items():
                await _move(conn, linked, new, old, athletes)
                await conn.execute("INSERT INTO race_keys SELECT key, $1 FROM race_keys WHERE race_id = $2 "
                                   "ON CONFLICT DO NOTHING", old, new)
            left = await _size(conn, new)
            if not left:
                await _drop(conn, new)
            _landed(linked, new, (*parts, new) if left else tuple(parts))
        linked.competitions += await _fold_competitions(conn, before, fresh, shares, comps)


def _landed(linked: Linked, new: int, races: tuple[int, ...]) -> None:
    """storage.linking._landed: where the new race's rows are now."""
    if new in linked.parts:
        races = (*(r for r in linked.parts[new] if r != new), *races)
        linked.parts[new] = tuple(dict.fromkeys(races))
    elif len(races) == 1 and races[0] != new:
        linked.races[new] = races[0]
    else:
        linked.parts[new] = races


async def _move(conn: asyncpg.Connection, linked: Linked, new: int, old: int, athletes: list[int] | None) -> None:
    """The new race's rows (or only these athletes' rows) into the stored race, through the upsert."""
    only, args = ("", (new,)) if athletes is None else (_ONLY, (new, athletes))
    written: int = await conn.fetchval(f"SELECT count(*) FROM results src WHERE src.race_id = $1{only.replace('$3', '$2')}",
                                       *args)
    size = await _size(conn, old)
    changed = touched(await conn.execute(_MOVE if athletes is None else _MOVE_SOME, old, *args))
    grew = await _size(conn, old) - size
    linked.changed += changed - grew
    linked.dropped += written - grew
    await _carry_over(conn, new, old, grew)
    if athletes is not None:
        for table in ("result_alternates", "results"):
            await conn.execute(f"DELETE FROM {table} WHERE race_id = $1 AND athlete_id = ANY($2::bigint[])",
                               new, athletes)


async def _drop(conn: asyncpg.Connection, new: int) -> None:
    for table, column in (("race_keys", "race_id"), ("result_alternates", "race_id"), ("results", "race_id"),
                          ("races", "id")):
        await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", new)


async def _carry_over(conn: asyncpg.Connection, new: int, old: int, grew: int) -> None:
    """storage.linking._carry_over: whether the stored race's field is whole."""
    partial = await conn.fetchval("SELECT partial FROM races WHERE id = $1", new)
    await conn.execute("UPDATE races SET partial = $1 WHERE id = $2" if partial and grew else
                       "UPDATE races SET partial = least(partial, $1) WHERE id = $2", partial, old)


async def _size(conn: asyncpg.Connection, race: int) -> int:
    size: int = await conn.fetchval("SELECT count(*) FROM results WHERE race_id = $1", race)
    return size


async def _entries(conn: asyncpg.Connection, races: set[int]) -> dict[int, list[Entry]]:
    out: dict[int, list[Entry]] = defaultdict(list)
    for race, athlete, place, value, mark in await conn.fetch(
            "SELECT race_id, athlete_id, place, value, mark FROM results "
            "WHERE race_id = ANY($1::bigint[]) AND note != 'DOP' ORDER BY race_id, athlete_id", sorted(races)):
        out[race].append(Entry(athlete, place, value, mark))
    return out


async def _competitions_of(conn: asyncpg.Connection, races: set[int]) -> dict[int, int]:
    return {i: comp for i, comp in await conn.fetch(
        "SELECT id, competition_id FROM races WHERE id = ANY($1::bigint[])", sorted(races))}


async def _fold_competitions(conn: asyncpg.Connection, before: Tops, fresh: dict[int, int],
                             shares: dict[int, dict[int, list[int]]], comps: dict[int, int]) -> int:
    """A new competition joins the stored one its races linked into (the most, if several)."""
    targets: dict[int, Counter[int]] = defaultdict(Counter)
    for new, olds in [*((n, (o,)) for n, o in fresh.items()), *shares.items()]:
        if comps[new] > before.competitions:
            targets[comps[new]].update(comps[old] for old in olds if old != new)
    for comp, counts in targets.items():
        target = counts.most_common(1)[0][0]
        for race, day, event, gender, round_ in await conn.fetch(
                "SELECT id, day, event, gender, round FROM races WHERE competition_id = $1 ORDER BY id", comp):
            # its race number may be taken there by another race of that day (a national 1500m)
            taken, free = await conn.fetchrow(
                "SELECT coalesce(bool_or(race_no = (SELECT race_no FROM races WHERE id = $1)), false), "
                "coalesce(max(race_no), 0) + 1 FROM races WHERE competition_id = $2 AND day = $3 AND event = $4 "
                "AND gender = $5 AND round = $6", race, target, day, event, gender, round_)
            await conn.execute("UPDATE races SET competition_id = $1, race_no = CASE WHEN $2 THEN $3 ELSE race_no END "
                               "WHERE id = $4", target, taken, free, race)
        name, venue = await conn.fetchrow("SELECT name, venue FROM competitions WHERE id = $1", comp)
        await add_alias(conn, target, name, venue)
        # the names this import gave the folded competition are the target's now
        await conn.execute("UPDATE competition_aliases a SET competition_id = $1 WHERE competition_id = $2 AND "
                           "NOT EXISTS (SELECT 1 FROM competition_aliases o WHERE o.name_key = a.name_key AND "
                           "o.venue_key = a.venue_key AND o.competition_id = $1)", target, comp)
        await conn.execute("DELETE FROM competition_aliases WHERE competition_id = $1", comp)
        await conn.execute("DELETE FROM competitions WHERE id = $1", comp)
    return len(targets)
