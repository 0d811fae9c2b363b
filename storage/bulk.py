"""Writes of one big import, handed over in parts inside the store's one transaction.

The caller streams: competitions first, then per batch of rows its new athletes and races and
its results. Results go in as one JSON array per batch (`INSERT ... SELECT FROM json_each`): a
single statement runs inside SQLite without the GIL, so the importer reads the next batch while
this one is written (executemany needs the GIL for every row, and would wait for the reader).
Mark and tail tuples are shared by many rows, so each is turned into JSON once.

While it runs the page cache is enlarged: results go into two b-trees (the key and the athlete
index) whose pages a million scattered index inserts would otherwise read again and again. It is
given back afterwards, so a long-running bot does not keep the memory.
"""
from __future__ import annotations

import json
import math
from contextlib import asynccontextmanager
from typing import Sequence

import aiosqlite

from bot.store import WritePlan, WriteSummary
from storage.writes import count_rows, insert_parents, upsert_result

BULK_CACHE_KIB = 64 * 1024
_COLUMNS = "race_id, athlete_id, mark, value, status, place, wind, flags, note, source"
_UPSERT_JSON = upsert_result(_COLUMNS, "SELECT " + ", ".join(f"value ->> {i}" for i in range(10))
                             + " FROM json_each(?) WHERE true")


class SqliteBulkWrite:
    def __init__(self, db: aiosqlite.Connection, results_before: int) -> None:
        self.db = db
        self.ids: dict[int, int] = {}
        self._before = results_before
        self._touched = 0
        self._new = [0, 0, 0]  # athletes, competitions, races
        self._athletes: set[int] = set()  # ids the rows point to, for check_references
        self._races: set[int] = set()
        self._comps: set[int] = set()
        self._json: dict[int, str] = {}  # id() of a shared tuple -> its JSON, without brackets
        self._alive: list[tuple] = []  # ...and the tuple, so its id() is not reused

    async def add(self, plan: WritePlan) -> dict[int, int]:
        await insert_parents(self.db, plan, self.ids)
        self._comps.update(self.ids.get(r.competition, r.competition) for r in plan.races)
        self._athletes.update(self.ids.get(a, a) for _, _, a in plan.source_ids)
        self._new = [self._new[0] + len(plan.athletes), self._new[1] + len(plan.competitions),
                     self._new[2] + len(plan.races)]
        return self.ids

    async def add_results(self, races: Sequence[int], athletes: Sequence[int], marks: Sequence[tuple],
                          tails: Sequence[tuple]) -> None:
        self._races.update(races)
        self._athletes.update(athletes)
        text = "[" + ",".join(map("[{},{},{},{}]".format, races, athletes, self._as_json(marks),
                                  self._as_json(tails))) + "]"
        changes = self.db.total_changes
        await self.db.execute(_UPSERT_JSON, (text,))
        self._touched += self.db.total_changes - changes

    async def check_references(self) -> None:
        """Every athlete, race and competition the import's rows point to exists: the foreign keys,
        checked once per distinct id at the end rather than on every row (they are off meanwhile)."""
        for table, ids in (("athletes", self._athletes), ("races", self._races), ("competitions", self._comps)):
            (missing,) = await (await self.db.execute(
                f"SELECT count(*) FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = j.value)",
                (json.dumps(sorted(ids)),))).fetchone()
            if missing:
                raise RuntimeError(f"bulk import: {missing} {table} referenced but not stored")

    async def summary(self) -> WriteSummary:
        added = await count_rows(self.db, "results") - self._before
        return WriteSummary(*self._new, added, self._touched - added)

    def _as_json(self, values: Sequence[tuple]):
        ids = list(map(id, values))
        fresh = set(ids).difference(self._json)
        if fresh:
            by_id = dict(zip(ids, values))
            for i in fresh:
                self._json[i] = _fragment(by_id[i])
                self._alive.append(by_id[i])
        return map(self._json.__getitem__, ids)


def _fragment(values: tuple) -> str:
    return ",".join(map(_json_value, values))


def _json_value(value) -> str:
    """As sqlite3 would bind it: NaN is NULL, infinities overflow a JSON number to infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return "null" if math.isnan(value) else ("9e999" if value > 0 else "-9e999")
    return json.dumps(value, ensure_ascii=False)


@asynccontextmanager
async def bulk_writer(db: aiosqlite.Connection):
    """Inside a write transaction the caller holds."""
    (cache,) = await (await db.execute("PRAGMA cache_size")).fetchone()
    await db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield SqliteBulkWrite(db, await count_rows(db, "results"))
    finally:
        await db.execute(f"PRAGMA cache_size = {int(cache)}")
