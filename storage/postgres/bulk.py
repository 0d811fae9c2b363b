"""Writes of one big import in PostgreSQL, handed over in parts inside the unit of work's
transaction (storage.bulk in SQLite).

Results go in by COPY: each batch's rows are copied into a temporary table (no index, no
check) and upserted from there in one statement. (SQLite's writer numbers the mark and tail
tuples rows share; here that cost a second COPY and a join per row for no gain: asyncpg encodes
a row's values in C.) New athletes
and races get their ids here (the write lock means nothing else writes), so `add` returns at
once and its rows go to the server in turn, while the importer reads on: every statement waits
for the ones before it (one connection runs one at a time), in the order they were handed over.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Sequence

import asyncpg

from bot.domain.precedence import USER  # the bulk path reads users' CSV files
from bot.store import WritePlan, WriteSummary
from storage.linking import Linked, Tops
from storage.postgres.changes import record_changes
from storage.postgres.linking import link_new, tops
from storage.postgres.writes import (ADD_ALIASES, ADD_RACE_KEYS, ADD_SOURCE_IDS, RESULT_COLUMNS, columns, count_rows,
                                     top_id, touched, upsert_result)
from storage.writes import (ATHLETE_COLUMNS, COMPETITION_COLUMNS, RACE_COLUMNS, alias_rows, athlete_rows,
                            competition_rows, race_key_rows, race_rows)
from storage.postgres import writes as w

_ROWS = "bulk_rows"
# NaN is NULL, as SQLite binds it (PostgreSQL's NaN equals NaN, so nullif finds it)
_UPSERT = upsert_result(RESULT_COLUMNS, (
    "SELECT race_id, athlete_id, place, mark, nullif(value, 'NaN'), status, nullif(wind, 'NaN'), flags, note, "
    f"source, {USER} FROM {_ROWS}"))
_TEMP = (f"CREATE TEMP TABLE {_ROWS} (race_id BIGINT, athlete_id BIGINT, mark TEXT, value FLOAT8, status TEXT, "
         "place INTEGER, wind FLOAT8, flags TEXT, note TEXT, source TEXT) ON COMMIT DROP",)


class PostgresBulkWrite:
    def __init__(self, conn: asyncpg.Connection, results_before: int, before: Tops, table_tops: dict[str, int]) -> None:
        self.conn = conn
        self._before_ids = before
        self._linked = Linked()
        self.ids: dict[int, int] = {}
        self._before = results_before
        self._touched = 0
        self._new = [0, 0, 0]  # athletes, competitions, races
        self._races: set[int] = set()
        self._tops = table_tops  # table -> the largest id given so far
        self._new_athletes: list[int] = []  # for the change feed
        # Every statement waits for the one handed over before it: the connection runs one at a
        # time, and the importer hands over parents before the results that name them.
        self._last: asyncio.Future[Any] | None = None
        self._queued: list[asyncio.Future[Any]] = []

    async def add(self, plan: WritePlan) -> dict[int, int]:
        """As insert_parents, but the ids are given here and the rows are queued, not waited for."""
        ids = self.ids
        athletes = self._with_ids("athletes", athlete_rows(plan), ATHLETE_COLUMNS, w._ATHLETE_TYPES)
        ids.update(athletes)
        self._new_athletes += athletes.values()
        if plan.source_ids:
            self._queue(ADD_SOURCE_IDS, columns([(s, i, ids.get(a, a)) for s, i, a in plan.source_ids], 3))
        ids.update(self._with_ids("competitions", competition_rows(plan), COMPETITION_COLUMNS, w._COMPETITION_TYPES))
        ids.update(self._with_ids("races", race_rows(plan, ids), RACE_COLUMNS, w._RACE_TYPES))
        if plan.aliases:
            self._queue(ADD_ALIASES, columns(alias_rows(plan, ids), 5))
        if plan.race_keys:
            self._queue(ADD_RACE_KEYS, columns(race_key_rows(plan, ids), 2))
        self._new = [self._new[0] + len(plan.athletes), self._new[1] + len(plan.competitions),
                     self._new[2] + len(plan.races)]
        return self.ids

    async def add_results(self, races: Sequence[int], athletes: Sequence[int], marks: Sequence[tuple[Any, ...]],
                          tails: Sequence[tuple[Any, ...]]) -> None:
        self._races.update(races)
        rows = [(r, a, *m, *t) for r, a, m, t in zip(races, athletes, marks, tails)]
        if len(set(zip(races, athletes))) == len(rows):
            await self._then(self._upsert, rows)
        else:  # one athlete twice in a race: in turn, as SQLite's statement applies them
            for wave in w.waves(rows):
                await self._then(self._upsert, wave)

    async def _upsert(self, rows: list[tuple[Any, ...]]) -> None:
        await self.conn.copy_records_to_table(_ROWS, records=rows)
        self._touched += touched(await self.conn.execute(_UPSERT))
        await self.conn.execute(f"TRUNCATE {_ROWS}")

    async def settle(self) -> None:
        """Wait for every statement handed over so far; the first failure is raised."""
        queued, self._queued = self._queued, []
        for outcome in await asyncio.gather(*queued, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome

    async def abandon(self) -> None:
        """The block raised: let what is queued finish or fail before the rollback, quietly."""
        queued, self._queued = self._queued, []
        await asyncio.gather(*queued, return_exceptions=True)

    async def check_references(self) -> None:
        """Every reference was checked as its row went in (the foreign keys stay on: PostgreSQL
        checks each against an index); what is left is to see every queued statement through."""
        await self.settle()

    @property
    def races(self) -> set[int]:
        """The races rows were written to, as stored once linked (a superset of those changed)."""
        return self._races

    async def link(self) -> dict[int, tuple[int, ...]]:
        """Races of this import that are races already stored: new race -> stored (storage.bulk)."""
        await self.settle()
        self._linked = await link_new(self.conn, self._before_ids)
        if self._linked.races or self._linked.parts:
            self._races = {t for r in self._races for t in self._linked.targets(r)}
        self._touched += self._linked.changed - self._linked.dropped
        if self._linked.merged:  # athletes found to be athletes already stored
            self._new[0] -= len(self._linked.merged.keys() & set(self._new_athletes))
            self._new_athletes = [self._linked.athlete(a) for a in self._new_athletes]
        return self._linked.mapping()

    async def record_changes(self) -> None:
        """The change feed's rows for this import, in its transaction, when anything changed."""
        await self.settle()
        if self._touched:
            await record_changes(self.conn, self._races, self._new_athletes)

    async def summary(self) -> WriteSummary:
        await self.settle()
        added = await count_rows(self.conn, "results") - self._before
        return self._linked.summary(self._new[0], self._new[1], self._new[2], added, self._touched - added)

    def _with_ids(self, table: str, rows: list[tuple[int, tuple[Any, ...]]], cols: str,
                  types: Sequence[str]) -> dict[int, int]:
        if not rows:
            return {}
        top = self._tops[table]
        mapping = {key: top + n for n, (key, _) in enumerate(rows, start=1)}
        self._tops[table] = top + len(rows)
        self._queue(f"INSERT INTO {table} (id, {cols}) {w.unnest(types)}",
                    columns([(mapping[key], *values) for key, values in rows], len(types)))
        return mapping

    def _queue(self, sql: str, args: Sequence[Any]) -> None:
        self._then(self.conn.execute, sql, *args)

    def _then(self, fn: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        """fn(*args) once everything handed over before has run; a failure fails what follows."""
        previous = self._last

        async def run() -> Any:
            if previous is not None:
                await previous
            return await fn(*args, **kwargs)

        self._last = job = asyncio.ensure_future(run())
        self._queued.append(job)
        return job


@asynccontextmanager
async def bulk_writer(conn: asyncpg.Connection) -> AsyncIterator[PostgresBulkWrite]:
    """Inside a write transaction the caller holds; the temporary tables go with it."""
    for create in _TEMP:
        await conn.execute(create)
    table_tops = {t: await top_id(conn, t) for t in ("athletes", "competitions", "races")}
    yield PostgresBulkWrite(conn, await count_rows(conn, "results"), await tops(conn), table_tops)

