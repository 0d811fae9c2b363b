"""The core's indexes saved in the PostgreSQL store itself, for every process that opens it.

SQLite keeps its snapshot in a file beside the store (racebot.index_snapshot); processes on
several hosts share only the database, so here it is one row: the bytes and the change feed's
position they are current to. A process that built or brought the indexes up to date writes it;
the next process to start reads it and applies the feed from that position. A cache, not data:
outside the numbered schema (created beside schema_version) and never moved by copy-store.
"""
from __future__ import annotations

import asyncpg

CREATE = ("CREATE TABLE IF NOT EXISTS index_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), "
          "head BIGINT NOT NULL, head_at TEXT NOT NULL, data BYTEA NOT NULL)")

# The change at `head` must still be the one the snapshot was taken after: a schema emptied and
# filled again (a restore, a copy) has other changes under the same numbers, and other times.
_LOAD = ("SELECT s.head, s.data FROM index_snapshot s WHERE s.id = 1 AND s.head <= $1 AND "
         "(s.head = 0 AND s.head_at = '' OR EXISTS (SELECT 1 FROM changes c WHERE c.seq = s.head AND c.at = s.head_at))")
# One row; a later head wins, so two processes starting together leave the newer of theirs.
_SAVE = ("INSERT INTO index_snapshot (id, head, head_at, data) "
         "SELECT 1, $1, coalesce((SELECT at FROM changes WHERE seq = $1), ''), $2 "
         "ON CONFLICT (id) DO UPDATE SET head = excluded.head, head_at = excluded.head_at, data = excluded.data "
         "WHERE index_snapshot.head <= excluded.head")


class PostgresIndexSnapshot:
    pool: asyncpg.Pool

    async def saved_indexes(self, head: int) -> tuple[int, bytes] | None:
        """The saved indexes' bytes and the feed position they are current to, if at or before
        `head` and of this store's history; None otherwise."""
        row = await self.pool.fetchrow(_LOAD, head)
        return None if row is None else (row["head"], row["data"])

    async def save_indexes(self, head: int, data: bytes) -> None:
        await self.pool.execute(_SAVE, head, data)
