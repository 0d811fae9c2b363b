"""The SQLite store: one writing connection on its own thread, WAL, writers serialised, each import
one transaction; plus a query-only connection for synchronous bounded reads (storage.reader)."""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import NotStarted
from storage.changes import ChangeRows
from storage.follows import FollowRows
from storage.outbox.queue import OutboxRows
from storage.queries import Reads
from storage.reader import Reader, query_only
from storage.scalar import scalar
from storage.schema import MIGRATIONS, VERSION
from storage.seen_requests import SeenRequestRows
from storage.index_reads import IndexReads
from storage.installs import InstallRows
from storage.source_state import SourceStateRows
from storage.subscriptions import SubscriptionRows
from storage.turns import CONNECTION_BUSY_MS, WriterTurns
from storage.writer import Writer

if TYPE_CHECKING:
    from storage.write_tx import SqliteWriteTx

log = logging.getLogger(__name__)

class SqliteStore(Reads, IndexReads, SubscriptionRows, FollowRows, OutboxRows, SourceStateRows, ChangeRows,
                  SeenRequestRows, InstallRows):
    def __init__(self, conn: Writer, path: str) -> None:
        self.conn = conn
        self.path = path
        self.turns = WriterTurns()

    @classmethod
    async def open(cls, path: str | Path) -> "SqliteStore":
        """The store at `path`, migrated; NotStarted (one line) when it cannot be used."""
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NotStarted(f"cannot create the folder of the store {path}: {exc.strerror or exc}") from None
        try:
            conn = await Writer.open(str(path))
        except sqlite3.Error as exc:
            raise NotStarted(f"cannot open the store {path}: {exc}") from None
        store = cls(conn, str(path))
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA busy_timeout = {CONNECTION_BUSY_MS}")  # waits: storage.turns
            await store._migrate()
            store.reader = Reader(query_only(path))
        except sqlite3.DatabaseError as exc:  # "file is not a database", a read-only folder, ...
            await conn.close()
            raise NotStarted(f"cannot use the store {path}: {exc}") from None
        except BaseException:
            await conn.close()
            raise
        return store

    async def close(self) -> None:
        self.reader.conn.close()
        await self.conn.close()

    async def _migrate(self) -> None:
        version = await scalar(self.conn, "PRAGMA user_version")
        if version > VERSION:
            raise NotStarted(f"the store {self.path} was written by a newer racebot (schema {version}, "
                             f"this one knows {VERSION}): upgrade racebot or use another --db")
        for step in range(version, VERSION):
            async with self.transaction():
                for statement in _statements(MIGRATIONS[step]):
                    await self.conn.execute(statement)
                await self.conn.execute(f"PRAGMA user_version = {step + 1}")
            log.info("store %s migrated to schema %d", self.path, step + 1)

    @asynccontextmanager
    async def transaction(self, *, foreign_keys: bool = True,
                          wait: float | None = None) -> AsyncIterator[Writer]:
        """One writer at a time; everything inside commits together or not at all. StoreBusy when
        the write lock is not ours within `wait` seconds (storage.turns says which wait is whose).

        foreign_keys=False: the caller checks references itself (the bulk writer checks each
        distinct id once, not each row); SQLite can only switch this between transactions."""
        async with self.turns.turn(wait) as deadline:
            if not foreign_keys:
                await self.conn.execute("PRAGMA foreign_keys = OFF")
            try:
                await self.turns.retry(lambda: self.conn.execute("BEGIN IMMEDIATE"), deadline)
                try:
                    yield self.conn
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                if not foreign_keys:
                    await self.conn.execute("PRAGMA foreign_keys = ON")

    async def write_statement(self, sql: str, args: Sequence[Any], *, wait: float | None = None) -> list[Any]:
        """One statement, atomic on its own (autocommit): one thread hop instead of BEGIN, it, COMMIT.
        The turn still matters: on our one shared connection, a statement run while another
        task's transaction is open would join it, and vanish with that transaction's rollback."""
        async with self.turns.turn(wait) as deadline:
            return list(await self.turns.retry(lambda: self.conn.execute_fetchall(sql, args), deadline))

    async def get_meta(self, key: str) -> str | None:
        row = await (await self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,))).fetchone()
        return row[0] if row else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self.transaction() as db:
            await db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @asynccontextmanager
    async def write(self, *, bulk: bool = False) -> AsyncIterator[SqliteWriteTx]:
        """One unit of work (bot.store.WriteTx), committed when the block ends."""
        # Imported here: planning, linking and bulk writing are a fifth of the store's imports,
        # and a process that only reads (a one-shot question) never loads them.
        from storage.write_tx import SqliteWriteTx

        async with self.transaction(foreign_keys=not bulk) as db:
            tx = SqliteWriteTx(db, bulk=bulk, reader=self.reader)
            try:
                yield tx
                await tx.finish()
            finally:
                await tx.close()


def _statements(script: str) -> list[str]:
    """The script's statements; a trigger's body holds semicolons of its own."""
    out, buffer = [], ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                out.append(buffer.strip())
            buffer = ""
    return out
