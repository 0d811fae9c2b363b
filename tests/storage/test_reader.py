"""The head-to-head path's reads (storage.reader): synchronous, on the caller's thread, through a
query-only connection that never waits. They answer while the writer's thread is busy and while
another process holds the write lock mid-transaction, and they read the same over the writer's
connection, where the store asks when SQLite refuses the query-only one."""
from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from results_only import db_copy  # noqa: F401 (reads of the archive; the histories are not the point)
from storage.reader import Reader
from storage.sqlite import SqliteStore


def a_pair_and_a_competition(db) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT x.athlete_id, y.athlete_id, r.competition_id FROM results x JOIN results y "
            "ON y.race_id = x.race_id AND y.athlete_id > x.athlete_id JOIN races r ON r.id = x.race_id "
            "WHERE r.venues = '' GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1").fetchone()


@pytest.fixture
async def store(db_copy):
    s = await SqliteStore.open(db_copy)
    yield s
    await s.close()


async def test_the_reader_never_waits_and_never_writes(store):
    assert store.reader.conn.execute("PRAGMA busy_timeout").fetchone() == (0,)
    assert store.reader.conn.execute("PRAGMA query_only").fetchone() == (1,)
    with pytest.raises(sqlite3.OperationalError):
        store.reader.conn.execute("DELETE FROM meta")


async def test_reads_answer_while_the_writer_is_busy_and_another_process_writes(store, db_copy):
    a, b, competition = a_pair_and_a_competition(db_copy)
    meetings = await store.meetings(a, b)
    results = await store.race_results(competition, None)
    spans = await store.coverage([a, b])
    version = store.data_version()
    assert len(meetings) >= 2 and results and spans

    other = sqlite3.connect(db_copy, isolation_level=None)  # an import elsewhere, uncommitted
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM results WHERE athlete_id = ?", (a,))
    started, release = threading.Event(), threading.Event()
    held = asyncio.ensure_future(store.conn.run(lambda _: (started.set(), release.wait(10))))
    try:
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        # a read queued behind the writer, or waiting for the lock, would not finish in time
        assert await asyncio.wait_for(store.meetings(a, b), 2) == meetings
        assert await asyncio.wait_for(store.race_results(competition, None), 2) == results
        assert await asyncio.wait_for(store.coverage([a, b]), 2) == spans
        assert store.data_version() == version
    finally:
        release.set()
        await held
        other.execute("ROLLBACK")
        other.close()


async def test_the_reader_reads_the_same_over_the_writers_connection(store, db_copy):
    a, b, competition = a_pair_and_a_competition(db_copy)
    on_loop = (store.reader.meetings(a, b), store.reader.race_results(competition, "800m"),
               store.reader.race_results(competition, None), store.reader.coverage([a, b]))
    on_writer = await store.conn.run(lambda conn: (
        Reader(conn).meetings(a, b), Reader(conn).race_results(competition, "800m"),
        Reader(conn).race_results(competition, None), Reader(conn).coverage([a, b])))
    assert on_writer == on_loop and on_loop[0] and on_loop[2]


async def test_source_spans_are_read_again_once_another_connection_commits(store, db_copy):
    a, b, _ = a_pair_and_a_competition(db_copy)
    spans = await store.coverage([b, a])
    assert {s.athlete for s in spans} == {a, b} and await store.coverage([a, b]) == spans
    other = sqlite3.connect(db_copy, isolation_level=None)  # an import elsewhere, committed
    other.execute("DELETE FROM results WHERE athlete_id = ?", (a,))
    other.close()
    assert {s.athlete for s in await store.coverage([a, b])} == {b}
    # and the store's own writer: another connection than the reader's
    await store.conn.run(lambda conn: conn.execute("DELETE FROM results WHERE athlete_id = ?", (b,)) and conn.commit())
    assert await store.coverage([a, b]) == []
