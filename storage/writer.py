"""The store's own writer thread: one sqlite3 connection, and the calls queued to it.

SQLite calls block, so the event loop hands them to this thread and awaits a future. Every
call crosses threads twice (a queue put, then the loop woken with the result), so work that
is several statements goes as one callable: `await writer.run(fn, *args)` runs `fn(conn, *args)`
on the thread, where nothing else runs in between. The thread is a daemon: a store left open
by a failed start-up must not keep the process alive after its last line (every path closes
the store; SQLite's journal keeps a cut-off write atomic anyway).

It is ours rather than aiosqlite's because the bulk import needs exactly that one call for
several statements, which aiosqlite offers only through its private `_execute`.
"""
from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from functools import partial
from typing import Any, Callable, Iterable, Sequence, TypeVar

from storage.sql_functions import with_functions

T = TypeVar("T")


class Cursor:
    """A cursor living on the writer's thread; fetching goes there too."""

    def __init__(self, writer: "Writer", cursor: sqlite3.Cursor) -> None:
        self._writer = writer
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid

    async def fetchone(self) -> Any:
        return await self._writer.run(lambda _: self._cursor.fetchone())

    async def fetchmany(self, size: int) -> list[Any]:
        return await self._writer.run(lambda _: self._cursor.fetchmany(size))

    async def fetchall(self) -> list[Any]:
        return await self._writer.run(lambda _: self._cursor.fetchall())

    async def close(self) -> None:
        await self._writer.run(lambda _: self._cursor.close())


class Writer:
    def __init__(self, path: str) -> None:
        self.path = path
        self._calls: queue.SimpleQueue[tuple[asyncio.Future[Any], Callable[..., Any], tuple[Any, ...]]] = \
            queue.SimpleQueue()
        self._conn: sqlite3.Connection | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._serve, name=f"racebot-store:{path}", daemon=True)

    @classmethod
    async def open(cls, path: str) -> "Writer":
        """The thread started and the connection made on it; sqlite3.Error when it cannot be."""
        writer = cls(path)
        writer._thread.start()
        try:
            # autocommit: transactions are the store's own BEGIN IMMEDIATE; check_same_thread off
            # only so total_changes, a counter, can be read from the loop between calls
            writer._conn = await writer.run(lambda _: with_functions(sqlite3.connect(
                path, isolation_level=None, check_same_thread=False)))
        except BaseException:
            await writer.close()
            raise
        return writer

    def _serve(self) -> None:
        while True:
            future, fn, args = self._calls.get()
            if fn is not _close and future.cancelled():  # its caller stopped waiting before it began
                continue
            try:
                result = fn(self._conn, *args)
            except BaseException as exc:  # noqa: BLE001 (raised in the caller)
                _settle(future, None, exc)
            else:
                _settle(future, result, None)
                # Not held while waiting for the next call: the last answer (an athlete's 4,000
                # results, 5 MB at a million) would stay alive, unreachable, until then.
                del result
            if fn is _close:
                return
            del future, fn, args

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(conn, *args)` on the writer's thread; its result, or its exception raised here."""
        if self._closing:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._calls.put((future, fn, args))
        return await future

    async def execute(self, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return Cursor(self, await self.run(lambda c: c.execute(sql, args)))

    async def execute_fetchall(self, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        return await self.run(lambda c: c.execute(sql, args).fetchall())

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.run(lambda c: c.executemany(sql, rows))

    @property
    def total_changes(self) -> int:
        assert self._conn is not None
        return self._conn.total_changes

    async def close(self) -> None:
        """After the calls queued before it; the thread ends with the connection. Shielded: a
        cancelled close still closes."""
        if self._closing:
            return
        self._closing = True
        future = asyncio.get_running_loop().create_future()
        self._calls.put((future, _close, ()))
        await asyncio.shield(future)


def _close(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        conn.close()


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    try:
        future.get_loop().call_soon_threadsafe(partial(_set, future, result, exc))
    except RuntimeError:  # the loop is closed: nobody is waiting any more
        pass


def _set(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if future.done():  # cancelled while the call ran
        return
    if exc is None:
        future.set_result(result)
    else:
        future.set_exception(exc)
