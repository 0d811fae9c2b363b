"""Installations and install states (bot.store.installs), in SQLite."""
from __future__ import annotations

from datetime import datetime, timezone

from bot.store.installs import Install
from storage.connected import Connected
from storage.outbox import convert as oc
from storage.turns import USER_WAIT

_COLS = "platform, org, workspace, secret, details, installed_at"


class InstallRows(Connected):
    async def save_install(self, install: Install) -> None:
        i = install
        async with self.transaction(wait=USER_WAIT) as db:  # someone's browser waits on the redirect
            await db.execute(f"INSERT OR REPLACE INTO installs ({_COLS}) VALUES (?, ?, ?, ?, ?, ?)",
                             (i.platform, i.org, i.workspace, i.secret, i.details,
                              oc.ts(i.installed_at or datetime.now(timezone.utc))))

    async def find_install(self, platform: str, workspace: str) -> Install | None:
        rows = await self.conn.execute_fetchall(
            f"SELECT {_COLS} FROM installs WHERE platform = ? AND workspace = ?", (platform, workspace))
        if not rows:
            return None
        platform_, org_, workspace_, secret, details, installed_at = rows[0]
        return Install(platform_, org_, workspace_, secret, details, oc.at(installed_at))

    async def delete_install(self, platform: str, workspace: str) -> bool:
        async with self.transaction() as db:
            cur = await db.execute("DELETE FROM installs WHERE platform = ? AND workspace = ?", (platform, workspace))
            return cur.rowcount == 1

    async def issue_state(self, key: str, until: datetime, now: datetime) -> None:
        async with self.transaction(wait=USER_WAIT) as db:
            await db.execute("DELETE FROM install_states WHERE expires_at <= ?", (oc.ts(now),))
            await db.execute("INSERT INTO install_states (key, expires_at) VALUES (?, ?)", (key, oc.ts(until)))

    async def consume_state(self, key: str, now: datetime) -> bool:
        async with self.transaction(wait=USER_WAIT) as db:
            await db.execute("DELETE FROM install_states WHERE expires_at <= ?", (oc.ts(now),))
            cur = await db.execute("DELETE FROM install_states WHERE key = ?", (key,))
            return cur.rowcount == 1
