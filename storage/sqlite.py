"""The aiosqlite store: one connection, WAL, writers serialised, each import one transaction."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store import WritePlan, WriteSummary
from storage.outbox import OutboxRows
from storage.queries import Reads
from storage.schema import MIGRATIONS, VERSION
from storage.source_state import SourceStateRows
from storage.subscriptions import SubscriptionRows

log = logging.getLogger(__name__)

_UPSERT_RESULT = """
INSERT INTO results (race_id, athlete_id, place, mark, value, status, wind, flags, note, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (race_id, athlete_id) DO UPDATE SET
    place = excluded.place, mark = excluded.mark, value = excluded.value, status = excluded.status,
    wind = excluded.wind, flags = excluded.flags, note = excluded.note, source = excluded.source,
    revision = results.revision + 1
WHERE results.place IS NOT excluded.place OR results.mark IS NOT excluded.mark
   OR results.status IS NOT excluded.status OR results.flags IS NOT excluded.flags
   OR results.note IS NOT excluded.note OR results.wind IS NOT excluded.wind
"""


class SqliteStore(Reads, SubscriptionRows, OutboxRows, SourceStateRows):
    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> "SqliteStore":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        store = cls(conn, str(path))
        await store._migrate()
        return store

    async def close(self) -> None:
        await self.conn.close()

    async def _migrate(self) -> None:
        (version,) = await (await self.conn.execute("PRAGMA user_version")).fetchone()
        if version > VERSION:
            raise RuntimeError(f"{self.path} was written by a newer racebot (schema {version} > {VERSION})")
        for step in range(version, VERSION):
            async with self.transaction():
                for statement in _statements(MIGRATIONS[step]):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version = {step + 1}")
            log.info("store %s migrated to schema %d", self.path, step + 1)

    @asynccontextmanager
    async def transaction(self):
        """One writer at a time; everything inside commits together or not at all."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def get_meta(self, key: str) -> str | None:
        row = await (await self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,))).fetchone()
        return row[0] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self.transaction() as db:
            await db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    async def apply(self, plan: WritePlan, *, after=None) -> WriteSummary:
        """`after(race_ids)`, when given, runs inside the same transaction (the outbox diff)."""
        async with self.transaction() as db:
            ids: dict[int, int] = {}
            ids.update(await _insert_with_ids(db, "athletes", [
                (a.key, (a.name, a.given, a.family, a.country, a.gender, a.birth_year,
                         a.birth_date.isoformat() if a.birth_date else None)) for a in plan.athletes],
                "name, given, family, country, gender, birth_year, birth_date"))
            await db.executemany("INSERT OR IGNORE INTO athlete_ids (scheme, source_id, athlete_id) VALUES (?, ?, ?)",
                                 [(s, i, ids.get(a, a)) for s, i, a in plan.source_ids])
            ids.update(await _insert_with_ids(db, "competitions", [
                (c.key, (c.name, c.venue, c.country, c.start.isoformat(), c.end.isoformat(), c.series, c.category))
                for c in plan.competitions], "name, venue, country, start_date, end_date, series, category"))
            ids.update(await _insert_with_ids(db, "races", [
                (r.key, (ids.get(r.competition, r.competition), r.event, r.gender, r.round, r.race_no,
                         r.day.isoformat(), r.wind, r.label)) for r in plan.races],
                "competition_id, event, gender, round, race_no, day, wind, label"))
            before = await _count(db, "results")
            changes = self.conn.total_changes
            await db.executemany(_UPSERT_RESULT, [
                (ids.get(w.race, w.race), ids.get(w.athlete, w.athlete), w.place, w.mark, w.value, w.status,
                 w.wind, w.flags, w.note, w.source) for w in plan.results])
            touched = self.conn.total_changes - changes
            added = await _count(db, "results") - before
            if after is not None:
                await after(sorted({ids.get(w.race, w.race) for w in plan.results}))
        return WriteSummary(len(plan.athletes), len(plan.competitions), len(plan.races), added, touched - added)


async def _count(db: aiosqlite.Connection, table: str) -> int:
    return (await (await db.execute(f"SELECT count(*) FROM {table}")).fetchone())[0]


async def _insert_with_ids(db: aiosqlite.Connection, table: str, rows: list[tuple[int, tuple]],
                           columns: str) -> dict[int, int]:
    """Insert rows under fresh ids taken inside the write transaction; map placeholder -> id."""
    if not rows:
        return {}
    (top,) = await (await db.execute(f"SELECT coalesce(max(id), 0) FROM {table}")).fetchone()
    mapping = {key: top + n for n, (key, _) in enumerate(rows, start=1)}
    marks = ", ".join("?" * (len(rows[0][1]) + 1))
    await db.executemany(f"INSERT INTO {table} (id, {columns}) VALUES ({marks})",
                         [(mapping[key], *values) for key, values in rows])
    return mapping


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
