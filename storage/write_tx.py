"""One unit of work in SQLite (bot.store.WriteTx): everything inside one write transaction.

`SqliteStore.write()` opens it; what is written through it commits when the block ends. The
change feed's entries are written here too, in the same transaction, so a reader never sees
results without their entries, nor entries of results rolled back.
"""
from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Sequence

from bot.sources.state import DayMark
from bot.store import WritePlan, WriteSummary
from storage.bulk import SqliteBulkWrite, bulk_writer
from storage.changes import record_changes
from storage.linking import link_new, tops
from storage.outbox.tx import OutboxTxView
from storage.source_state import write_marks
from storage.writes import UPSERT_RESULT, count_rows, insert_parents
from storage.reader import Reader
from storage.writer import Writer


class SqliteWriteTx:
    def __init__(self, db: Writer, *, bulk: bool, reader: Reader | None = None) -> None:
        self.db = db
        self.outbox = OutboxTxView(db, reader)
        self._bulk_allowed = bulk  # foreign keys are off: the bulk writer checks references itself
        self._bulk: SqliteBulkWrite | None = None
        self._races: set[int] = set()
        self._stack = AsyncExitStack()

    async def apply(self, plan: WritePlan) -> WriteSummary:
        if self._bulk_allowed:
            raise RuntimeError("apply() in a bulk write: its foreign keys are off, use bulk()")
        db = self.db
        before_ids = await tops(db)
        ids: dict[int, int] = {}
        await insert_parents(db, plan, ids)
        before = await count_rows(db, "results")
        changes = db.total_changes
        await db.executemany(UPSERT_RESULT, [
            (ids.get(w.race, w.race), ids.get(w.athlete, w.athlete), w.place, w.mark, w.value, w.status,
             w.wind, w.flags, w.note, w.source, w.origin) for w in plan.results])
        touched = db.total_changes - changes
        added = await count_rows(db, "results") - before
        updated = touched - added
        linked = await link_new(db, before_ids)
        added -= linked.dropped
        races = sorted({t for w in plan.results for t in linked.targets(ids.get(w.race, w.race))})
        self._races.update(races)
        if touched or plan.renames:  # a file imported again changes nothing, and tells nobody
            # a renamed athlete is news too: search finds them by the new name
            await record_changes(db, races, {linked.athlete(ids[a.key]) for a in plan.athletes}
                                 | {linked.athlete(r[0]) for r in plan.renames})
        return linked.summary(len(plan.athletes) - len(linked.merged.keys() & {ids[a.key] for a in plan.athletes}),
                              len(plan.competitions), len(plan.races), added, updated + linked.changed)

    async def bulk(self) -> SqliteBulkWrite:
        if not self._bulk_allowed:
            raise RuntimeError("bulk() needs store.write(bulk=True)")
        if self._bulk is None:
            self._bulk = await self._stack.enter_async_context(bulk_writer(self.db))
        return self._bulk

    def races(self) -> list[int]:
        return sorted(self._races | (self._bulk.races if self._bulk else set()))

    async def mark_fetched(self, marks: Sequence[DayMark]) -> None:
        await write_marks(self.db, marks)

    async def finish(self) -> None:
        """The block ended well: check the bulk writer's references and add its change-feed rows."""
        if self._bulk is not None:
            await self._bulk.check_references()
            await self._bulk.record_changes()

    async def close(self) -> None:
        """Before the commit or the rollback: the bulk writer's temporary tables go."""
        await self._stack.aclose()
