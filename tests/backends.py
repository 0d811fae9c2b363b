"""Store tests over both backends: `any_store` is an empty store of each (SQLite in a file of
the test's own, PostgreSQL in a schema of its own: tests/pg_server.py, whose rules for a missing
server apply), and `table_rows` reads a table's rows alike from either, to compare them.

A module takes them by importing the names: `from backends import any_store, store_target, pg_schema, pg_server`
(and `both_targets` for a test comparing the two).
"""
from __future__ import annotations

import sqlite3

import pytest

from pg_server import pg_schema, pg_server  # noqa: F401 (fixtures)
from storage.postgres.store import PostgresStore
from storage.sqlite import SqliteStore

BACKENDS = ["sqlite", "postgresql"]


def target(request, tmp_path, backend: str) -> tuple[str, str | None]:
    """Where a store of `backend` goes: (SQLite file or PostgreSQL URL, schema). Synchronous: the
    PostgreSQL fixtures run their own event loop to reach the server."""
    if backend == "sqlite":
        return str(tmp_path / "racebot.db"), None
    return request.getfixturevalue("pg_server"), request.getfixturevalue("pg_schema")


async def open_store(where: tuple[str, str | None]):
    path, schema = where
    return await (SqliteStore.open(path) if schema is None else PostgresStore.open(path, schema=schema))


@pytest.fixture(params=BACKENDS)
def store_target(request, tmp_path) -> tuple[str, str | None]:
    return target(request, tmp_path, request.param)


@pytest.fixture
def both_targets(request, tmp_path) -> dict[str, tuple[str, str | None]]:
    return {b: target(request, tmp_path, b) for b in BACKENDS}


@pytest.fixture
async def any_store(store_target):
    store = await open_store(store_target)
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


async def fetch_rows(store, sql: str) -> list[tuple]:
    """A query without parameters, on either backend, as plain tuples in the order it gives."""
    if isinstance(store, PostgresStore):
        return [tuple(r) for r in await store.pool.fetch(sql)]
    return [tuple(r) for r in await store.conn.execute_fetchall(sql)]
