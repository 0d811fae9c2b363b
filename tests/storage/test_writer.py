"""The store's own writer thread (storage.writer): calls run there, in order, one at a time; errors
come back as raised; a call cancelled before it began never runs; a closed writer refuses calls
and its thread has ended."""
from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from storage.writer import Writer


@pytest.fixture
async def writer(tmp_path):
    w = await Writer.open(str(tmp_path / "w.db"))
    await w.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    yield w
    await w.close()


async def test_a_call_runs_on_the_writers_own_daemon_thread(writer):
    thread = await writer.run(lambda _: threading.current_thread())
    assert thread is not threading.current_thread() and thread.daemon


async def test_several_statements_in_one_call_and_their_result(writer):
    def two(conn, first, second):
        conn.execute("INSERT INTO t VALUES (?)", (first,))
        conn.execute("INSERT INTO t VALUES (?)", (second,))
        return conn.total_changes

    assert await writer.run(two, 1, 2) == 2
    assert await writer.execute_fetchall("SELECT x FROM t ORDER BY x") == [(1,), (2,)]
    assert writer.total_changes == 2


async def test_calls_run_in_the_order_they_were_made(writer):
    await asyncio.gather(*(writer.execute("INSERT INTO t VALUES (?)", (i,)) for i in range(50)),
                         writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(50, 60)]))
    order = await writer.execute_fetchall("SELECT x FROM t ORDER BY rowid")
    assert [x for (x,) in order] == list(range(60))


async def test_an_error_is_raised_in_the_caller_and_the_thread_goes_on(writer):
    await writer.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        await writer.execute("INSERT INTO t VALUES (1)")
    cursor = await writer.execute("SELECT count(*) FROM t")
    assert await cursor.fetchone() == (1,)


async def test_a_cursor_fetches_on_the_thread_in_chunks(writer):
    await writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(7)])
    cursor = await writer.execute("SELECT x FROM t ORDER BY x")
    assert [len(await cursor.fetchmany(3)) for _ in range(4)] == [3, 3, 1, 0]
    await cursor.close()
    cursor = await writer.execute("INSERT INTO t VALUES (100)")
    assert (cursor.rowcount, cursor.lastrowid) == (1, 100)


async def test_a_call_cancelled_before_it_began_never_runs(writer):
    started, release = threading.Event(), threading.Event()

    def hold(_):
        started.set()
        release.wait(10)

    holding = asyncio.ensure_future(writer.run(hold))
    await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
    queued = asyncio.ensure_future(writer.execute("INSERT INTO t VALUES (1)"))
    await asyncio.sleep(0)  # queued behind `hold`
    queued.cancel()
    release.set()
    await holding
    assert await writer.execute_fetchall("SELECT count(*) FROM t") == [(0,)]
    assert queued.cancelled()


async def test_a_closed_writer_refuses_calls_and_its_thread_has_ended(tmp_path):
    writer = await Writer.open(str(tmp_path / "w.db"))
    thread = await writer.run(lambda _: threading.current_thread())
    pending = writer.execute("CREATE TABLE t (x)")  # queued before the close: it still runs
    task = asyncio.ensure_future(pending)
    await asyncio.sleep(0)
    await writer.close()
    await task
    thread.join(5)
    assert not thread.is_alive()
    with pytest.raises(sqlite3.ProgrammingError):
        await writer.execute("SELECT 1")
    await writer.close()  # twice is harmless
    assert sqlite3.connect(tmp_path / "w.db").execute("SELECT count(*) FROM t").fetchone() == (0,)


async def test_a_writer_that_cannot_open_raises_and_leaves_no_thread(tmp_path):
    before = threading.active_count()
    with pytest.raises(sqlite3.OperationalError):
        await Writer.open(str(tmp_path / "no such folder" / "w.db"))
    for thread in threading.enumerate():
        if thread.name.startswith("racebot-store:") and "no such folder" in thread.name:
            thread.join(5)
            assert not thread.is_alive()
    assert threading.active_count() <= before
