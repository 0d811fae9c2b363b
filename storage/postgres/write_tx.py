"""One unit of work in PostgreSQL (bot.store.WriteTx): everything inside one transaction on one
connection, one writer at a time across processes (`PostgresWrites.write`).

As storage.write_tx in SQLite: the change feed's rows are written in the same transaction (its
trigger notifies the listeners when it commits), so a reader never sees results without their
entries, nor entries of results rolled back.
"""
from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Sequence

import asyncpg

from bot.sources.state import DayMark
from bot.store import WritePlan, WriteSummary
from storage.postgres.bulk import PostgresBulkWrite, bulk_writer
from storage.postgres.changes import record_changes
from storage.postgres.linking import link_new, tops
from storage.postgres.outbox_tx import PostgresOutboxTx
from storage.postgres.source_state import write_marks
from storage.postgres.writes import advance_ids, count_rows, insert_parents, upsert_results


class PostgresWriteTx:
    def __init__(self, conn: asyncpg.Connection, *, bulk: bool) -> None:
        self.conn = conn
        self.outbox = PostgresOutboxTx(conn)
        self._bulk_allowed = bulk
        self._bulk: PostgresBulkWrite | None = None
        self._races: set[int] = set()
        self._new_ids = False
        self._stack = AsyncExitStack()

    async def apply(self, plan: WritePlan) -> WriteSummary:
        if self._bulk_allowed:
            raise RuntimeError("apply() in a bulk write: use bulk()")  # as SQLite's, whose keys are off then
        conn = self.conn
        before_ids = await tops(conn)
        ids: dict[int, int] = {}
        await insert_parents(conn, plan, ids)
        self._new_ids = self._new_ids or bool(ids)
        before = await count_rows(conn, "results")
        touched = await upsert_results(conn, [
            (ids.get(w.race, w.race), ids.get(w.athlete, w.athlete), w.place, w.mark, w.value, w.status,
             w.wind, w.flags, w.note, w.source, w.origin) for w in plan.results])
        added = await count_rows(conn, "results") - before
        updated = touched - added
        linked = await link_new(conn, before_ids)
        added -= linked.dropped
        races = sorted({t for w in plan.results for t in linked.targets(ids.get(w.race, w.race))})
        self._races.update(races)
        if touched or plan.renames:  # a file imported again changes nothing, and tells nobody
            await record_changes(conn, races, {linked.athlete(ids[a.key]) for a in plan.athletes}
                                 | {linked.athlete(r[0]) for r in plan.renames})
        return linked.summary(len(plan.athletes) - len(linked.merged.keys() & {ids[a.key] for a in plan.athletes}),
                              len(plan.competitions), len(plan.races), added, updated + linked.changed)

    async def bulk(self) -> PostgresBulkWrite:
        if not self._bulk_allowed:
            raise RuntimeError("bulk() needs store.write(bulk=True)")
        if self._bulk is None:
            self._bulk = await self._stack.enter_async_context(bulk_writer(self.conn))
            self._new_ids = True
        return self._bulk

    def races(self) -> list[int]:
        return sorted(self._races | (self._bulk.races if self._bulk else set()))

    async def mark_fetched(self, marks: Sequence[DayMark]) -> None:
        await write_marks(self.conn, marks)

    async def finish(self) -> None:
        """The block ended well: see the bulk writer through, add its change-feed rows, and move
        the id sequences past the ids given."""
        if self._bulk is not None:
            await self._bulk.check_references()
            await self._bulk.record_changes()
        await self._stack.aclose()
        if self._new_ids:
            await advance_ids(self.conn)

    async def abandon(self) -> None:
        """The block raised: what the bulk writer queued is seen to an end before the rollback."""
        if self._bulk is not None:
            await self._bulk.abandon()
        await self._stack.aclose()
