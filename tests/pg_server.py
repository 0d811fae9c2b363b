"""The PostgreSQL server the machine provides, for the PostgreSQL half of the store tests.

Each test gets a schema of its own (`pg_schema`), dropped afterwards. When the server cannot be
reached, its tests are skipped with one line saying so, unless RACEBOT_TEST_POSTGRES=required
(.ci/run sets it): then they fail, so CI never passes with the PostgreSQL half unrun.
"""
from __future__ import annotations

import asyncio
import itertools
import os

import asyncpg
import pytest

URL = os.environ.get("RACEBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
_names = itertools.count()


def reachable(url: str = URL) -> None:
    """Return when `url` answers; else skip the test, or fail it when the server is required."""
    async def ping() -> None:
        conn = await asyncpg.connect(url, timeout=5)
        await conn.close()

    try:
        asyncio.run(ping())
    except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
        message = f"PostgreSQL at {url} unreachable ({exc})"
        if os.environ.get("RACEBOT_TEST_POSTGRES") == "required":
            pytest.fail(f"{message}; RACEBOT_TEST_POSTGRES=required", pytrace=False)
        pytest.skip(f"{message}: PostgreSQL store tests skipped (RACEBOT_TEST_POSTGRES=required fails instead)")


def new_schema() -> str:
    return f"t_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}_{next(_names)}"


def drop(schema: str) -> None:
    async def go() -> None:
        conn = await asyncpg.connect(URL)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    asyncio.run(go())


@pytest.fixture(scope="session")
def pg_server() -> str:
    reachable()
    return URL


@pytest.fixture
def pg_schema(pg_server):
    """A fresh schema name, dropped after the test: the store migrates it on open."""
    schema = new_schema()
    yield schema
    drop(schema)


@pytest.fixture(scope="session")
def pg_results_only(pg_server, results_only_db, tmp_path_factory):
    """The results-only store copied into a schema once per worker, for tests that only read it.
    The copy is taken from a copy: opening a SQLite store may migrate it."""
    import shutil

    from storage.postgres.copy import sqlite_to_postgres

    source = tmp_path_factory.mktemp("pg") / "results-only.db"
    shutil.copyfile(results_only_db, source)
    schema = new_schema()
    report = asyncio.run(sqlite_to_postgres(source, pg_server, schema))
    yield source, schema, report
    drop(schema)


@pytest.fixture
async def both_stores(pg_results_only, pg_server):
    """The results-only store opened on both backends: (SQLite, PostgreSQL), for tests comparing them."""
    from storage.postgres.store import PostgresStore
    from storage.sqlite import SqliteStore

    path, schema, _ = pg_results_only
    lite = await SqliteStore.open(path)
    pg = await PostgresStore.open(pg_server, schema=schema)
    yield lite, pg
    await pg.close()
    await lite.close()
