"""Writes of one big import, handed over in parts inside the store's one transaction.

The caller streams: competitions first, then per batch of rows its new athletes and races and
its results. Results go in as one JSON array per batch (`INSERT ... SELECT FROM json_each`): a
single statement runs inside SQLite without the GIL, so the importer reads the next batch while
this one is written (executemany needs the GIL for every row, and would wait for the reader).
Mark and tail tuples are shared by many rows, so each is stored once, in a temporary table, and a
row names them by number: [race, athlete, mark, tail]. Taking a value out of a row's JSON costs
SQLite about as much as a b-tree lookup, and this takes four per row rather than ten.
New athletes and races get their ids here (nothing else writes in the transaction) and are queued,
also as JSON, to go to the store's thread with the next results in one call (storage.writer's
`run`): every call there waits for the GIL, which the importer holds while it reads on.

Into an empty results table (or races table) the rows go without its secondary indexes, which are built again
once every row is in (before linking, which reads them): one sort instead of a million scattered
b-tree inserts, a quarter of the rows' cost. Inside the transaction: a failing file gets them back
with its rollback.

While it runs the page cache is enlarged: results go into two b-trees (the key and the athlete
index) whose pages a million scattered index inserts would otherwise read again and again. It is
given back afterwards, so a long-running bot does not keep the memory.
"""
from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Sequence

from bot.domain.precedence import USER  # the bulk path reads users' CSV files
from bot.store import WritePlan, WriteSummary
from storage.changes import record_changes
from storage.linking import Linked, Tops, link_new, tops
from storage.scalar import scalar
from storage.writes import (ATHLETE_COLUMNS, COMPETITION_COLUMNS, RACE_COLUMNS, alias_rows, athlete_rows,
                            competition_rows, count_rows, race_key_rows, race_rows, upsert_result)
from storage.writer import Writer

BULK_CACHE_KIB = 64 * 1024
_COLUMNS = "race_id, athlete_id, mark, value, status, place, wind, flags, note, source, origin"
_MARKS, _TAILS = "temp.bulk_marks", "temp.bulk_tails"
_UPSERT_JSON = upsert_result(_COLUMNS, (
    "SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), m.mark, m.value, m.status, t.place,"
    f" t.wind, t.flags, t.note, t.source, {USER} FROM json_each(?) j CROSS JOIN {_MARKS} m CROSS JOIN {_TAILS} t"
    " WHERE m.id = json_extract(j.value, '$[2]') AND t.id = json_extract(j.value, '$[3]')"))
# json_extract, not ->>: the operator needs SQLite 3.38, and Ubuntu 22.04's Python links 3.37.
# CROSS JOIN: the rows drive the lookups.


class SqliteBulkWrite:
    def __init__(self, db: Writer, results_before: int, before: Tops, deferred: list[str]) -> None:
        self.db = db
        self._deferred = deferred  # CREATE INDEX statements of indexes dropped for the rows' way in
        self._before_ids = before
        self._linked = Linked()
        self.ids: dict[int, int] = {}
        self._before = results_before
        self._touched = 0
        self._new = [0, 0, 0]  # athletes, competitions, races
        self._athletes: set[int] = set()  # ids the rows point to, for check_references
        self._races: set[int] = set()
        self._comps: set[int] = set()
        self._numbers: dict[int, int] = {}  # id() of a shared mark or tail tuple -> its row in _MARKS/_TAILS
        self._alive: list[tuple[Any, ...]] = []  # ...and the tuple, so its id() is not reused
        self._tops: dict[str, int] = {}  # table -> the largest id given so far
        self._statements: list[tuple[str, tuple[Any, ...]]] = []  # queued by add, run with the next results
        self._new_athletes: list[int] = []  # for the change feed

    async def add(self, plan: WritePlan) -> dict[int, int]:
        """As insert_parents, but the ids are given here and the rows are queued, not waited for:
        the importer reads on (a wait for the store was a wait for the batch before)."""
        ids = self.ids
        athletes = await self._with_ids("athletes", athlete_rows(plan), ATHLETE_COLUMNS)
        ids.update(athletes)
        self._new_athletes += athletes.values()
        if plan.source_ids:
            self._json_insert("INSERT OR IGNORE INTO athlete_ids (scheme, source_id, athlete_id)",
                              [(s, i, ids.get(a, a)) for s, i, a in plan.source_ids])
        ids.update(await self._with_ids("competitions", competition_rows(plan), COMPETITION_COLUMNS))
        ids.update(await self._with_ids("races", race_rows(plan, ids), RACE_COLUMNS))
        if plan.aliases:
            self._json_insert("INSERT OR IGNORE INTO competition_aliases", alias_rows(plan, ids))
        if plan.race_keys:
            self._json_insert("INSERT OR IGNORE INTO race_keys (key, race_id)", race_key_rows(plan, ids))
        self._comps.update(self.ids.get(r.competition, r.competition) for r in plan.races)
        self._athletes.update(self.ids.get(a, a) for _, _, a in plan.source_ids)
        self._new = [self._new[0] + len(plan.athletes), self._new[1] + len(plan.competitions),
                     self._new[2] + len(plan.races)]
        return self.ids

    async def add_results(self, races: Sequence[int], athletes: Sequence[int], marks: Sequence[tuple[Any, ...]],
                          tails: Sequence[tuple[Any, ...]]) -> None:
        self._races.update(races)
        self._athletes.update(athletes)
        text = "[" + ",".join(map("[{},{},{},{}]".format, races, athletes, self._numbered(_MARKS, marks),
                                  self._numbered(_TAILS, tails))) + "]"
        self._statements.append((_UPSERT_JSON, (text,)))
        await self.settle()

    async def settle(self) -> None:
        """Run the statements queued so far, in one call to the store's thread: each call costs it
        a wait for the GIL, which the importer holds while it reads on."""
        statements, self._statements = self._statements, []
        if statements:
            touched = await self.db.run(_run, statements)
            self._touched += touched  # not `+= await`: that reads the count before a concurrent settle adds to it

    async def indexes_back(self) -> None:
        """Every row written: the indexes dropped for their way in are built again."""
        await self.settle()
        deferred, self._deferred = self._deferred, []
        for sql in deferred:
            await self.db.execute(sql)

    async def check_references(self) -> None:
        """Every athlete, race and competition the import's rows point to exists: the foreign keys,
        checked once per distinct id at the end rather than on every row (they are off meanwhile)."""
        await self.indexes_back()
        for table, ids in (("athletes", self._athletes), ("races", self._races), ("competitions", self._comps)):
            missing = await scalar(self.db, f"SELECT count(*) FROM json_each(?) j WHERE NOT EXISTS "
                                   f"(SELECT 1 FROM {table} t WHERE t.id = j.value)", (json.dumps(sorted(ids)),))
            if missing:
                raise RuntimeError(f"bulk import: {missing} {table} referenced but not stored")

    @property
    def races(self) -> set[int]:
        """The races rows were written to, as stored once linked (a superset of those changed)."""
        return self._races

    async def link(self) -> dict[int, tuple[int, ...]]:
        """Races of this import that are races already stored (storage.linking): new race -> stored."""
        await self.indexes_back()
        self._linked = await link_new(self.db, self._before_ids)
        if self._linked.races or self._linked.parts:  # what check_references looks for is what the rows point to now
            self._races = {t for r in self._races for t in self._linked.targets(r)}
            self._comps = {c for (c,) in await self.db.execute_fetchall(
                "SELECT DISTINCT competition_id FROM races WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(self._races)),))}
        # rows written into merged races were counted as added, and are gone or were changes
        self._touched += self._linked.changed - self._linked.dropped
        if self._linked.merged:  # athletes found to be athletes already stored
            self._athletes = {self._linked.athlete(a) for a in self._athletes}
            self._new[0] -= len(self._linked.merged.keys() & set(self._new_athletes))
            self._new_athletes = [self._linked.athlete(a) for a in self._new_athletes]
        return self._linked.mapping()

    async def record_changes(self) -> None:
        """The change feed's rows for this import, in its transaction: every race it wrote to
        (a superset of those it changed, cheaper than asking each) when anything changed."""
        await self.settle()
        if self._touched:
            await record_changes(self.db, self._races, self._new_athletes)

    async def summary(self) -> WriteSummary:
        await self.settle()
        added = await count_rows(self.db, "results") - self._before
        return self._linked.summary(self._new[0], self._new[1], self._new[2], added, self._touched - added)

    async def _with_ids(self, table: str, rows: list[tuple[int, tuple[Any, ...]]], columns: str) -> dict[int, int]:
        """insert_with_ids; the largest id is asked once, as nothing else writes in this transaction."""
        if not rows:
            return {}
        top = self._tops.get(table)
        if top is None:  # the rows queued so far are of other tables: they do not change it
            top = await scalar(self.db, f"SELECT coalesce(max(id), 0) FROM {table}")
        mapping = {key: top + n for n, (key, _) in enumerate(rows, start=1)}
        self._tops[table] = top + len(rows)
        self._json_insert(f"INSERT INTO {table} (id, {columns})", [(mapping[key], *values) for key, values in rows])
        return mapping

    def _json_insert(self, insert: str, rows: list[tuple[Any, ...]]) -> None:
        """Queue `insert` SELECT ... FROM json_each: the rows bound as sqlite3 would bind them."""
        width = len(rows[0])
        text = _json_rows(rows)
        picks = ", ".join(f"json_extract(value, '$[{c}]')" for c in range(width))
        self._statements.append((f"{insert} SELECT {picks} FROM json_each(?)", (text,)))

    def _numbered(self, table: str, values: Sequence[tuple[Any, ...]]) -> list[int]:
        """The rows of `table` holding `values`, storing those not seen before. As JSON too: an
        executemany here would wait for the GIL on every row while the importer reads on."""
        ids = list(map(id, values))
        fresh = set(ids).difference(self._numbers)
        if fresh:
            by_id = dict(zip(ids, values))
            rows = []
            for i in fresh:
                self._numbers[i] = len(self._alive)
                self._alive.append(by_id[i])
                rows.append((self._numbers[i], *by_id[i]))
            self._json_insert(f"INSERT INTO {table}", rows)
        return list(map(self._numbers.__getitem__, ids))


def _run(conn: sqlite3.Connection, statements: list[tuple[str, tuple[Any, ...]]]) -> int:
    """In the store's thread: run `statements`; the result rows they inserted or changed."""
    touched = 0
    for sql, params in statements:
        before = conn.total_changes
        conn.execute(sql, params)
        if sql is _UPSERT_JSON:
            touched += conn.total_changes - before
    return touched


def _json_rows(rows: list[tuple[Any, ...]]) -> str:
    """`rows` as a JSON array of arrays, in one call to the C encoder when no float is NaN or infinite."""
    try:
        return json.dumps(rows, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return "[" + ",".join(f"[{_fragment(r)}]" for r in rows) + "]"


def _fragment(values: tuple[Any, ...]) -> str:
    return ",".join(map(_json_value, values))


def _json_value(value: object) -> str:
    """As sqlite3 would bind it: NaN is NULL, infinities overflow a JSON number to infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return "null" if math.isnan(value) else ("9e999" if value > 0 else "-9e999")
    return json.dumps(value, ensure_ascii=False)


async def _drop_indexes(db: Writer, table: str) -> list[str]:
    """Drop `table`'s own indexes (not those of its key and constraints); their CREATE statements."""
    found = await db.execute_fetchall(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))
    for name, _ in found:
        await db.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


@asynccontextmanager
async def bulk_writer(db: Writer) -> AsyncIterator[SqliteBulkWrite]:
    """Inside a write transaction the caller holds."""
    cache = await scalar(db, "PRAGMA cache_size")
    await db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    # untyped columns: values kept as bound, the results table's affinity applies on the way in
    await db.execute(f"DROP TABLE IF EXISTS {_MARKS}")  # numbered from 0 by each writer: start empty
    await db.execute(f"DROP TABLE IF EXISTS {_TAILS}")
    await db.execute(f"CREATE TEMP TABLE {_MARKS[5:]} (id INTEGER PRIMARY KEY, mark, value, status)")
    await db.execute(f"CREATE TEMP TABLE {_TAILS[5:]} (id INTEGER PRIMARY KEY, place, wind, flags, note, source)")
    before, top = await count_rows(db, "results"), await tops(db)
    deferred = [*(await _drop_indexes(db, "results") if before == 0 else []),
                *(await _drop_indexes(db, "races") if top.races == 0 else [])]
    try:
        yield SqliteBulkWrite(db, before, top, deferred)
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {_MARKS}")
        await db.execute(f"DROP TABLE IF EXISTS {_TAILS}")
        await db.execute(f"PRAGMA cache_size = {int(cache)}")
