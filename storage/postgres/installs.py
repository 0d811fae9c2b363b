"""Installations and install states (bot.store.installs), in PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import asyncpg

from bot.store.installs import Install
from storage.outbox import convert as oc

_COLS = "platform, org, workspace, secret, details, installed_at"


class PostgresInstalls:
    pool: asyncpg.Pool

    async def save_install(self, install: Install) -> None:
        i = install
        await self.pool.execute(
            f"INSERT INTO installs ({_COLS}) VALUES ($1, $2, $3, $4, $5, $6) "
            "ON CONFLICT (platform, workspace) DO UPDATE SET org = excluded.org, secret = excluded.secret, "
            "details = excluded.details, installed_at = excluded.installed_at",
            i.platform, i.org, i.workspace, i.secret, i.details, oc.ts(i.installed_at or datetime.now(timezone.utc)))

    async def find_install(self, platform: str, workspace: str) -> Install | None:
        row = await self.pool.fetchrow(f"SELECT {_COLS} FROM installs WHERE platform = $1 AND workspace = $2",
                                       platform, workspace)
        if row is None:
            return None
        platform_, org_, workspace_, secret, details, installed_at = tuple(row)
        return Install(platform_, org_, workspace_, secret, details, oc.at(installed_at))

    async def delete_install(self, platform: str, workspace: str) -> bool:
        status = await self.pool.execute("DELETE FROM installs WHERE platform = $1 AND workspace = $2", platform, workspace)
        return bool(status == "DELETE 1")

    async def issue_state(self, key: str, until: datetime, now: datetime) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM install_states WHERE expires_at <= $1", oc.ts(now))
            await conn.execute("INSERT INTO install_states (key, expires_at) VALUES ($1, $2)", key, oc.ts(until))

    async def consume_state(self, key: str, now: datetime) -> bool:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM install_states WHERE expires_at <= $1", oc.ts(now))
            status = await conn.execute("DELETE FROM install_states WHERE key = $1", key)
            return bool(status == "DELETE 1")
