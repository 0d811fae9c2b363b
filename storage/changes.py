"""The change feed in SQLite: written inside every results write, read by the running bot."""
from __future__ import annotations

import json
from typing import Iterable

from bot.store import Change
from storage.connected import Connected
from storage.scalar import scalar
from storage.writer import Writer

_RECORD = ("INSERT INTO changes (kind, race_id, athlete_id, at) "
           "SELECT ?, {race}, {athlete}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM json_each(?)")


async def record_changes(db: Writer, races: Iterable[int], athletes: Iterable[int]) -> None:
    """Inside the caller's write transaction: one row per race and per new athlete, in id order."""
    for kind, ids, race, athlete in (("athlete", athletes, "NULL", "value"), ("race", races, "value", "NULL")):
        ids = sorted(set(ids))
        if ids:
            await db.execute(_RECORD.format(race=race, athlete=athlete), (kind, json.dumps(ids)))


class ChangeRows(Connected):
    async def change_head(self) -> int:
        return await scalar(self.conn, "SELECT coalesce(max(seq), 0) FROM changes")

    async def changes_since(self, seq: int, limit: int) -> list[Change]:
        rows = await self.conn.execute_fetchall(
            "SELECT seq, kind, race_id, athlete_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        return [Change(*row) for row in rows]

    def data_version(self) -> int:
        """Changes whenever any connection commits, this process's writer included (it is not
        this connection): a statement of microseconds, on the caller's thread."""
        return self.reader.data_version()
