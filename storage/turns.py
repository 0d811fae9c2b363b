"""Writers wait their turn for SQLite's one write lock, without stalling the store's thread.

SQLite lets one connection write at a time, across processes. A second `racebot import`, or the
bot while an import in another process holds the lock, used to sit in `busy_timeout` on the
store's one writer thread (every read queued behind it) and then fail with a raw
`database is locked`. Here the connection's own timeout is short, and the waiting happens on
the event loop in short tries: reads go on meanwhile, and a writer gives up at its own deadline
with StoreBusy, whose message a person can act on:

- USER_WAIT for writes someone in a chat is waiting on (a subscription): they get an answer in
  time even when the answer is "busy, try again";
- BACKGROUND_WAIT for the rest (an import, a poll's results, a delivery mark, which must not be
  dropped: a mark given up would send the announcement again).
"""
from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Awaitable, Callable, TypeVar

from bot.errors import StoreBusy

CONNECTION_BUSY_MS = 100  # one try blocks the store's thread at most this long
USER_WAIT = 1.5  # a chat command must answer within 2 s
BACKGROUND_WAIT = 600.0  # an import in another process may take minutes at millions of rows
FIRST_NOTICE = 1.0  # a waiting writer says so after this long (`racebot import` prints it)...
NOTICE_SECONDS = 5.0  # ...and again this often
_PAUSE = 0.05

T = TypeVar("T")


def is_busy(exc: sqlite3.OperationalError) -> bool:
    return exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
        if hasattr(exc, "sqlite_errorcode") else "locked" in str(exc) or "busy" in str(exc)


class WriterTurns:
    """The store's writers, one at a time in this process, and waiting for other processes.

    `on_wait(seconds)` is told after FIRST_NOTICE, then every NOTICE_SECONDS, while a writer waits for another process."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.on_wait: Callable[[float], None] | None = None
        self.background_wait = BACKGROUND_WAIT

    @asynccontextmanager
    async def turn(self, wait: float | None) -> AsyncIterator[float]:
        """This process's write lock, within `wait` seconds (None: background_wait); yields the
        deadline left for SQLite's."""
        loop = asyncio.get_running_loop()
        wait = self.background_wait if wait is None else wait
        deadline = loop.time() + wait
        try:
            await asyncio.wait_for(self.lock.acquire(), wait)
        except asyncio.TimeoutError:
            raise StoreBusy() from None
        try:
            yield deadline
        finally:
            self.lock.release()

    async def retry(self, attempt: Callable[[], Awaitable[T]], deadline: float) -> T:
        """`attempt()` (a BEGIN IMMEDIATE, or one autocommit statement) until SQLite's write lock
        is ours or the deadline passes; a busy attempt changed nothing, so trying again is safe."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        notice = started + FIRST_NOTICE
        while True:
            try:
                return await attempt()
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            now = loop.time()
            if now >= deadline:
                raise StoreBusy()
            if self.on_wait is not None and now >= notice:
                self.on_wait(now - started)
                notice = now + NOTICE_SECONDS
            await asyncio.sleep(min(_PAUSE, deadline - now))
