"""`store.write()` in PostgreSQL (the Writes role's unit of work), mixed into PostgresStore.

One pooled connection, one transaction. One writer at a time, across processes too: a
transaction-scoped advisory lock per schema (released by the commit or rollback, so a killed
writer never leaves it held), and within a process an asyncio lock, so waiting writers do not
each hold one of the pool's connections. The PostgreSQL writer takes no "busy" wait: writes
queue on the lock, as SQLite's delivery marks and imports do.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from storage.postgres.write_tx import PostgresWriteTx

WRITE_LOCK = 0x72616366  # beside the migration's lock (storage.postgres.store): writers of one schema


class PostgresWrites:
    pool: asyncpg.Pool
    schema: str
    _write_turn: asyncio.Lock | None = None

    @asynccontextmanager
    async def write(self, *, bulk: bool = False) -> AsyncIterator[PostgresWriteTx]:
        """One unit of work (bot.store.WriteTx), committed when the block ends, rolled back if it raises."""
        if self._write_turn is None:
            self._write_turn = asyncio.Lock()
        async with self._write_turn, self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", WRITE_LOCK, self.schema)
            tx = PostgresWriteTx(conn, bulk=bulk)
            try:
                yield tx
                await tx.finish()
            except BaseException:
                await tx.abandon()
                raise
