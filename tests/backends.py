"""Store tests over both backends: `any_store` is an empty store of each (SQLite in a file of
the test's own, PostgreSQL in a schema of its own: tests/pg_server.py, whose rules for a missing
server apply), and `table_rows` reads a table's rows alike from either, to compare them.

A module takes them by importing the names: `from backends import any_store, pg_schema, pg_server`.
"""
from __future__ import annotations

import sqlite3

import pytest

from pg_server import pg_schema, pg_server  # noqa: F401 (fixtures)
from storage.postgres.store import PostgresStore
from storage.sqlite import SqliteStore

BACKENDS = ["sqlite", "postgresql"]


async def open_store(request, tmp_path, backend: str):
    if backend == "sqlite":
        return await SqliteStore.open(tmp_path / "racebot.db")
    return await PostgresStore.open(request.getfixturevalue("pg_server"), schema=request.getfixturevalue("pg_schema"))


@pytest.fixture(params=BACKENDS)
async def any_store(request, tmp_path):
    store = await open_store(request, tmp_path, request.param)
    yield store
    await store.close()


async def table_rows(store, table: str, columns: str = "*") -> list[tuple]:
    """Every row of `table`, sorted, as plain tuples (ints, floats, text and None on both backends)."""
    if isinstance(store, PostgresStore):
        rows = [tuple(r) for r in await store.pool.fetch(f"SELECT {columns} FROM {table}")]
    else:
        with sqlite3.connect(store.path) as c:
            rows = c.execute(f"SELECT {columns} FROM {table}").fetchall()
    return sorted(rows, key=repr)


async def counts(store, *tables: str) -> dict[str, int]:
    return {t: len(await table_rows(store, t)) for t in tables}
