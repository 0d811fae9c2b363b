"""Requests already accepted, in SQLite: a replay of one is recognised by any replica."""
from __future__ import annotations

from datetime import datetime

from storage.connected import Connected
from storage.outbox import convert as oc
from storage.turns import USER_WAIT


class SeenRequestRows(Connected):
    async def first_sighting(self, key: str, now: datetime, until: datetime) -> bool:
        """True the first time `key` is offered before `until`; False for a repeat. Keys past
        their time are forgotten on the way (their signatures would be refused as stale anyway)."""
        async with self.transaction(wait=USER_WAIT) as db:  # inside Slack's 3-second ack
            await db.execute("DELETE FROM seen_requests WHERE expires_at <= ?", (oc.ts(now),))
            cur = await db.execute("INSERT OR IGNORE INTO seen_requests (key, expires_at) VALUES (?, ?)",
                                   (key, oc.ts(until)))
            return cur.rowcount == 1
