"""copy-store: SQLite -> PostgreSQL -> SQLite loses nothing, never merges, and notices a difference."""
from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from pg_server import pg_results_only, pg_schema, pg_server  # noqa: F401  (fixtures)

from racebot.cli import main
from storage.postgres.copy import CopyFailed, postgres_to_sqlite, sqlite_to_postgres
from storage.postgres.store import PostgresStore
from storage.postgres.tables import postgres_sums, sqlite_sums, sqlite_tables
from storage.sqlite import SqliteStore


async def small_store(path) -> None:
    await (await SqliteStore.open(path)).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("""
        INSERT INTO athletes (id, name, given, family, country) VALUES (1, 'Ana Ñúñez', 'Ana', 'Ñúñez', 'ESP'),
            (5, 'Bo Li', 'Bo', 'Li', 'CHN');
        INSERT INTO competitions (id, name, start_date, end_date) VALUES (3, 'Meet', '2024-05-01', '2024-05-02');
        INSERT INTO races (id, competition_id, event, gender, round, race_no, day, wind)
            VALUES (9, 3, '100', 'W', 'final', 1, '2024-05-01', -0.4);
        INSERT INTO results (race_id, athlete_id, place, mark, value, wind, flags)
            VALUES (9, 1, 1, '11.02', 11.02, -0.4, 'PB SB'), (9, 5, NULL, 'DNF', NULL, NULL, '');
        INSERT INTO changes (kind, race_id, at) VALUES ('race', 9, '2024-05-01T00:00:00Z');
        INSERT INTO meta VALUES ('bundle_version', 'x');""")
    db.close()


def test_the_results_only_store_goes_there_and_back_unchanged(pg_results_only, pg_server, tmp_path):
    source, schema, there = pg_results_only
    assert there.rows > 60_000 and {t.table for t in there.tables} >= {"results", "athletes", "races", "changes"}
    import asyncio

    back = asyncio.run(postgres_to_sqlite(pg_server, tmp_path / "back.db", schema))
    assert back.tables == there.tables
    lite = sqlite3.connect(source)
    again = sqlite3.connect(tmp_path / "back.db")
    assert sqlite_sums(again, sqlite_tables(again)) == sqlite_sums(lite, sqlite_tables(lite)) == there.tables


async def test_a_copy_refuses_a_store_with_rows_and_leaves_it_as_it_was(pg_schema, pg_server, tmp_path):
    await small_store(tmp_path / "s.db")
    first = await sqlite_to_postgres(tmp_path / "s.db", pg_server, pg_schema)
    with pytest.raises(CopyFailed, match="not empty"):
        await sqlite_to_postgres(tmp_path / "s.db", pg_server, pg_schema)
    with pytest.raises(CopyFailed, match="not empty"):
        await postgres_to_sqlite(pg_server, tmp_path / "s.db", pg_schema)
    store = await PostgresStore.open(pg_server, schema=pg_schema)
    try:
        async with store.pool.acquire() as conn:
            tables = sqlite_tables(sqlite3.connect(tmp_path / "s.db"))
            assert await postgres_sums(conn, tables) == first.tables
    finally:
        await store.close()


async def test_the_checksum_sees_one_changed_mark_and_new_ids_follow_the_copied_ones(pg_schema, pg_server, tmp_path):
    await small_store(tmp_path / "s.db")
    await sqlite_to_postgres(tmp_path / "s.db", pg_server, pg_schema)
    lite = sqlite3.connect(tmp_path / "s.db")
    tables = sqlite_tables(lite)
    conn = await asyncpg.connect(pg_server, server_settings={"search_path": pg_schema})
    try:
        assert await postgres_sums(conn, tables) == sqlite_sums(lite, tables)
        await conn.execute("UPDATE results SET mark = '11.03' WHERE athlete_id = 1")
        differ = [a.table for a, b in zip(await postgres_sums(conn, tables), sqlite_sums(lite, tables)) if a != b]
        assert differ == ["results"]
        assert await conn.fetchval("INSERT INTO athletes (name, given, family) VALUES ('C D', 'C', 'D') "
                                   "RETURNING id") == 6
        assert await conn.fetchval("INSERT INTO changes (kind, at) VALUES ('race', 'x') RETURNING seq") == 2
    finally:
        await conn.close()


def test_racebot_copy_store_and_migrate(pg_schema, pg_server, tmp_path, capsys):
    import asyncio

    asyncio.run(small_store(tmp_path / "s.db"))
    url = f"{pg_server}?schema={pg_schema}"
    assert main(["migrate", url]) == 0
    assert main(["copy-store", str(tmp_path / "s.db"), url]) == 0
    out = capsys.readouterr().out
    assert "results: 2 rows, checksum" in out and "every table's rows and checksum match" in out
    assert main(["copy-store", url, str(tmp_path / "back.db")]) == 0
    assert "copied 8 rows" in capsys.readouterr().out
    assert main(["copy-store", str(tmp_path / "s.db"), url]) == 1
    assert "never merges" in capsys.readouterr().err
    assert main(["copy-store", str(tmp_path / "s.db"), str(tmp_path / "t.db")]) == 2


async def test_a_source_with_a_broken_reference_is_refused_whole(pg_schema, pg_server, tmp_path):
    await small_store(tmp_path / "s.db")
    db = sqlite3.connect(tmp_path / "s.db", isolation_level=None)  # foreign keys off, as a bulk import runs
    db.execute("INSERT INTO results (race_id, athlete_id, mark) VALUES (9, 404, '12.00')")
    db.close()
    with pytest.raises(CopyFailed, match="breaks a rule"):
        await sqlite_to_postgres(tmp_path / "s.db", pg_server, pg_schema)
    store = await PostgresStore.open(pg_server, schema=pg_schema)
    try:
        assert await store.pool.fetchval("SELECT count(*) FROM athletes") == 0  # nothing kept
        await store.pool.execute("INSERT INTO athletes (id, name, given, family) VALUES (1, 'A', 'A', '')")
        await store.pool.execute("INSERT INTO competitions (id, name, start_date, end_date) VALUES (1, 'C', '', '')")
        async with store.pool.acquire() as conn:
            await conn.execute("SET session_replication_role = replica")  # lets an orphan in, as above
            await conn.execute("INSERT INTO races (id, competition_id, event, gender, round, race_no, day) "
                               "VALUES (2, 99, '100', 'M', '', 1, '2024-01-01')")
            await conn.execute("RESET session_replication_role")
    finally:
        await store.close()
    with pytest.raises(CopyFailed, match="breaks a reference"):
        await postgres_to_sqlite(pg_server, tmp_path / "t.db", pg_schema)
    assert sqlite3.connect(tmp_path / "t.db").execute("SELECT count(*) FROM athletes").fetchone() == (0,)
