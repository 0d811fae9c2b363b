"""Link an import's new races to the races already stored, inside the import's transaction.

The rules are the core's (bot.ingest.linking); this finds the candidates, merges each linked
race into the stored one through the same upsert every write uses (so the precedence triggers
decide which version is shown and keep the other), and folds a new competition whose races
linked into the stored competition, keeping its name and venue as an alias.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.ingest.linking import Entry, decide
from bot.store import WriteSummary
from bot.search.names import fold
from storage.athlete_merge import merge_athletes
from storage.scalar import scalar
from storage.writes import ADD_ALIAS, upsert_result
from storage.writer import Writer

_CANDIDATES = """
SELECT n.id, o.id FROM races n JOIN races o
  ON o.event = n.event AND o.gender = n.gender AND o.day = n.day AND o.round = n.round AND o.id <= ?
WHERE n.id > ? AND EXISTS (SELECT 1 FROM results rn JOIN results ro
                           ON ro.race_id = o.id AND ro.athlete_id = rn.athlete_id WHERE rn.race_id = n.id)
"""
_MOVE = upsert_result(
    "race_id, athlete_id, place, mark, value, status, wind, flags, note, source, origin",
    "SELECT ?, athlete_id, place, mark, value, status, wind, flags, note, source, origin "
    "FROM results src WHERE src.race_id = ?")
_ONLY = " AND src.athlete_id IN (SELECT value FROM json_each(?))"  # some athletes' rows (a split race)
_MOVE_SOME = upsert_result(
    "race_id, athlete_id, place, mark, value, status, wind, flags, note, source, origin",
    "SELECT ?, athlete_id, place, mark, value, status, wind, flags, note, source, origin "
    "FROM results src WHERE src.race_id = ?" + _ONLY)


@dataclass(frozen=True)
class Tops:
    """The largest ids before the import: anything above is new in this transaction."""

    races: int
    competitions: int


@dataclass
class Linked:
    races: dict[int, int] = field(default_factory=dict)  # new race -> the stored race it is
    # new race -> the stored races it was split into (bot.ingest.linking.split) and itself, if
    # rows of athletes none of them holds are left in it
    parts: dict[int, tuple[int, ...]] = field(default_factory=dict)
    competitions: int = 0  # new competitions folded into stored ones
    merged: dict[int, int] = field(default_factory=dict)  # athletes found to be one: merged away -> kept

    def athlete(self, athlete_id: int) -> int:
        return self.merged.get(athlete_id, athlete_id)
    changed: int = 0  # stored results a linked race changed (or kept another version of)
    dropped: int = 0  # rows written into linked races that are gone now (the stored race had them)

    def race(self, race_id: int) -> int:
        return self.races.get(race_id, race_id)

    def targets(self, race_id: int) -> tuple[int, ...]:
        """The races a new race's rows are in now."""
        return self.parts.get(race_id) or (self.race(race_id),)

    @property
    def gone(self) -> int:
        """New races that were wholly races already stored."""
        return len(self.races) + sum(new not in parts for new, parts in self.parts.items())

    def mapping(self) -> dict[int, tuple[int, ...]]:
        return {**{new: (old,) for new, old in self.races.items()}, **self.parts}

    def summary(self, athletes: int, competitions: int, races: int, added: int, updated: int) -> WriteSummary:
        """A write's counts (what it brought in: new athletes, competitions, races) less what linking
        found already stored; both stores' unit of work and bulk writer report this."""
        return WriteSummary(athletes, competitions - self.competitions, races - self.gone, added, updated,
                            self.gone, self.competitions)


async def tops(db: Writer) -> Tops:
    rows = await db.execute_fetchall(
        "SELECT (SELECT coalesce(max(id), 0) FROM races), (SELECT coalesce(max(id), 0) FROM competitions)")
    return Tops(*next(iter(rows)))


_COVER = """
UPDATE competitions SET
    start_date = min(start_date, (SELECT min(day) FROM races WHERE competition_id = competitions.id)),
    end_date = max(end_date, (SELECT max(day) FROM races WHERE competition_id = competitions.id))
WHERE id IN (SELECT competition_id FROM races WHERE id > ?)
"""


async def link_new(db: Writer, before: Tops) -> Linked:
    linked = Linked()
    await _link(db, before, linked)
    # One person under two identities (a married name, a new country) has two rows, alike, in
    # each race the sources share: one athlete from now on. A race of theirs only one source knew
    # (its other runners not in the other source) shares an athlete with the other's now: linked.
    written = await db.execute_fetchall("SELECT id FROM races WHERE id > ?", (before.races,))
    touched = {t for new in linked.mapping() for t in linked.targets(new)} | {r for (r,) in written}
    merged = await merge_athletes(db, touched)
    linked.merged, linked.dropped = merged.athletes, linked.dropped + merged.collapsed
    if linked.merged:
        await _link(db, before, linked)
    # A competition spans its races' days: a file may bring the other days of a meeting a source
    # knew one day of (the seed article's Budapest 2023 final, then the championships' nine days).
    await db.execute(_COVER, (before.races,))
    return linked


async def _link(db: Writer, before: Tops, linked: Linked) -> None:
    pairs = await db.execute_fetchall(_CANDIDATES, (before.races, before.races))
    if not pairs:
        return
    entries = await _entries(db, {r for pair in pairs for r in pair})
    fresh, shares = decide(pairs, entries)
    if fresh or shares:
        comps = await _competitions_of(db, set(fresh) | set(fresh.values()) | set(shares)
                                       | {old for parts in shares.values() for old in parts})
        for new, old in fresh.items():
            await _move(db, linked, new, old, None)
            # its source's key goes with it, so the next import finds the race
            await db.execute("UPDATE OR IGNORE race_keys SET race_id = ? WHERE race_id = ?", (old, new))
            await _drop(db, new)
            _landed(linked, new, (old,))
        for new, parts in shares.items():
            for old, athletes in parts.items():
                await _move(db, linked, new, old, athletes)
                await db.execute("INSERT OR IGNORE INTO race_keys SELECT key, ? FROM race_keys WHERE race_id = ?",
                                 (old, new))
            left = await _size(db, new)
            if not left:
                await _drop(db, new)
            _landed(linked, new, (*parts, new) if left else tuple(parts))
        linked.competitions += await _fold_competitions(db, before, fresh, shares, comps)


def _landed(linked: Linked, new: int, races: tuple[int, ...]) -> None:
    """Where the new race's rows are now; in a second pass (after athletes merged) the new race
    is what a split left of one (its rows of athletes no stored race held then)."""
    if new in linked.parts:
        races = (*(r for r in linked.parts[new] if r != new), *races)
        linked.parts[new] = tuple(dict.fromkeys(races))
    elif len(races) == 1 and races[0] != new:
        linked.races[new] = races[0]
    else:
        linked.parts[new] = races


async def _move(db: Writer, linked: Linked, new: int, old: int, athletes: list[int] | None) -> None:
    """The new race's rows (or only these athletes' rows) into the stored race, through the upsert."""
    some = json.dumps(athletes)
    only, args = ("", (new,)) if athletes is None else (_ONLY, (new, some))
    (written,), = await db.execute_fetchall(f"SELECT count(*) FROM results src WHERE src.race_id = ?{only}", args)
    size = await _size(db, old)
    changes = db.total_changes
    await db.execute(_MOVE if athletes is None else _MOVE_SOME, (old, *args))
    grew = await _size(db, old) - size
    linked.changed += db.total_changes - changes - grew
    linked.dropped += written - grew
    await _carry_over(db, new, old, grew)
    if athletes is not None:
        for table in ("result_alternates", "results"):
            await db.execute(f"DELETE FROM {table} WHERE race_id = ? AND athlete_id IN "
                             "(SELECT value FROM json_each(?))", (new, some))


async def _drop(db: Writer, new: int) -> None:
    await db.execute("DELETE FROM race_keys WHERE race_id = ?", (new,))
    await db.execute("DELETE FROM result_alternates WHERE race_id = ?", (new,))
    await db.execute("DELETE FROM results WHERE race_id = ?", (new,))
    await db.execute("DELETE FROM races WHERE id = ?", (new,))


async def _carry_over(db: Writer, new: int, old: int, grew: int) -> None:
    """Whether the stored race's field is whole, from what the new race knew of its own. A race is
    partial while every source of it knows part; and a source knowing part that still adds
    finishers shows the stored field was not whole either (the seed article's two Oslo
    finishers, then the histories' 3rd, 4th, 5th and 7th)."""
    (partial,), = await db.execute_fetchall("SELECT partial FROM races WHERE id = ?", (new,))
    await db.execute("UPDATE races SET partial = ? WHERE id = ?" if partial and grew else
                     "UPDATE races SET partial = min(partial, ?) WHERE id = ?", (partial, old))


async def _size(db: Writer, race: int) -> int:
    return await scalar(db, "SELECT count(*) FROM results WHERE race_id = ?", (race,))


async def _entries(db: Writer, races: set[int]) -> dict[int, list[Entry]]:
    out: dict[int, list[Entry]] = defaultdict(list)
    ids = sorted(races)
    for at in range(0, len(ids), 500):
        part = ids[at:at + 500]
        for race, athlete, place, value, mark in await db.execute_fetchall(
                "SELECT race_id, athlete_id, place, value, mark FROM results "
                f"WHERE race_id IN ({','.join('?' * len(part))}) AND note != 'DOP'", part):
            out[race].append(Entry(athlete, place, value, mark))
    return out


async def _competitions_of(db: Writer, races: set[int]) -> dict[int, int]:
    ids = sorted(races)
    out: dict[int, int] = {}
    for at in range(0, len(ids), 500):
        part = ids[at:at + 500]
        out.update((i, comp) for i, comp in await db.execute_fetchall(
            f"SELECT id, competition_id FROM races WHERE id IN ({','.join('?' * len(part))})", part))
    return out


async def _fold_competitions(db: Writer, before: Tops, fresh: dict[int, int],
                             shares: dict[int, dict[int, list[int]]], comps: dict[int, int]) -> int:
    """A new competition joins the stored one its races linked into (the most, if several)."""
    targets: dict[int, Counter[int]] = defaultdict(Counter)
    for new, olds in [*((n, (o,)) for n, o in fresh.items()), *shares.items()]:
        if comps[new] > before.competitions:
            targets[comps[new]].update(comps[old] for old in olds if old != new)
    for comp, counts in targets.items():
        target = counts.most_common(1)[0][0]
        for race, day, event, gender, round_ in await db.execute_fetchall(
                "SELECT id, day, event, gender, round FROM races WHERE competition_id = ?", (comp,)):
            # its race number may be taken there by another race of that day (a national 1500m)
            [(taken, free)] = await db.execute_fetchall(
                "SELECT coalesce(max(race_no = (SELECT race_no FROM races WHERE id = ?)), 0), "
                "coalesce(max(race_no), 0) + 1 FROM races WHERE competition_id = ? AND day = ? AND event = ? "
                "AND gender = ? AND round = ?", (race, target, day, event, gender, round_))
            await db.execute("UPDATE races SET competition_id = ?, race_no = CASE WHEN ? THEN ? ELSE race_no END "
                             "WHERE id = ?", (target, taken, free, race))
        [(name, venue)] = await db.execute_fetchall("SELECT name, venue FROM competitions WHERE id = ?", (comp,))
        await add_alias(db, target, name, venue)
        # the names this import gave the folded competition are the target's now
        await db.execute("UPDATE OR IGNORE competition_aliases SET competition_id = ? WHERE competition_id = ?",
                         (target, comp))
        await db.execute("DELETE FROM competition_aliases WHERE competition_id = ?", (comp,))
        await db.execute("DELETE FROM competitions WHERE id = ?", (comp,))
    return len(targets)


async def add_alias(db: Writer, competition: int, name: str, venue: str) -> None:
    await db.execute(ADD_ALIAS, (competition, fold(name), fold(venue), name, venue))
