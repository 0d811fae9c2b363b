"""A source's polls in PostgreSQL (the poll side of bot.announce.store.OutboxStore): counting a
poll that stored nothing, and the lease that keeps one poller per source across processes, as
storage.outbox.queue does in SQLite. The delivery side (claims, leases on rows) comes later."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.announce.outbox import PollStart
from storage.outbox import convert as oc
from storage.postgres.outbox_tx import PostgresOutboxTx


class PostgresPollState:
    pool: asyncpg.Pool

    async def record_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        async with self.pool.acquire() as conn, conn.transaction():
            return await PostgresOutboxTx(conn).begin_poll(source, now, complete)

    async def lease_source(self, source: str, holder: str, now: datetime, until: datetime) -> bool:
        """One poller per source at a time, across tasks and processes; a dead holder's lease lapses."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO poll_state (source) VALUES ($1) ON CONFLICT DO NOTHING", source)
            status = await conn.execute(
                "UPDATE poll_state SET lease_holder = $1, lease_until = $2 WHERE source = $3 "
                "AND (lease_until IS NULL OR lease_until <= $4 OR lease_holder = $1)",
                holder, oc.ts(until), source, oc.ts(now))
            return bool(status == "UPDATE 1")

    async def release_source(self, source: str, holder: str) -> None:
        await self.pool.execute("UPDATE poll_state SET lease_holder = NULL, lease_until = NULL "
                                "WHERE source = $1 AND lease_holder = $2", source, holder)
