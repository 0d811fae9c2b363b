"""Fixtures shared by every test: no real secrets, and the bundled store built once per run.

Building a core's in-memory indexes from the bundled store costs over a second, and grows with
the data, so a run opens as few cores as it can:
- `shared_core`: one core for the whole run, for tests that only ask questions. Its SQLite
  connections are read-only, so a test that writes through it fails loudly instead of changing
  what every later test sees (see cores.untouched).
- `core`: a core of the test's own over a fresh copy of the store (`db_copy`), for tests that
  write. It starts from the shared core's indexes, which were built from an identical file,
  instead of building them again; an import followed by `core.start()` builds its own.
"""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import pytest_asyncio
from cores import untouched, writable_core

SECRETS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
           "RACEBOT_WA_API_KEY", "RACEBOT_WA_ENDPOINT", "RACEBOT_DB", "RACEBOT_CONFIG")


@pytest.fixture(autouse=True)
def _no_real_secrets(monkeypatch):
    """A developer's real tokens or store must never leak into a test."""
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """A store built from the bundled data once; tests get their own copy of the file."""
    from racebot.app import open_core

    path = tmp_path_factory.mktemp("bundled") / "racebot.db"

    async def build():
        core = await open_core(path)
        await core.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await core.store.close()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def results_only_db(tmp_path_factory) -> Path:
    """The bundled Diamond League archive and seed without the career histories: for tests of
    importing histories or linking a file's races to the archive's, as a store before them was."""
    from racebot.app import open_core
    from racebot.bundled import load_results

    path = tmp_path_factory.mktemp("results-only") / "racebot.db"

    async def build():
        core = await open_core(path, bundled=False)
        await load_results(core.store)
        await core.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await core.store.close()

    asyncio.run(build())
    return path


@pytest.fixture
def results_only_copy(results_only_db, tmp_path) -> Path:
    target = tmp_path / "results-only.db"
    shutil.copyfile(results_only_db, target)
    return target


@pytest.fixture
async def results_only_core(results_only_copy):
    from racebot.app import open_core

    c = await open_core(results_only_copy, bundled=False)
    yield c
    await c.store.close()


@pytest.fixture
def db_copy(bundled_db, tmp_path) -> Path:
    target = tmp_path / "racebot.db"
    shutil.copyfile(bundled_db, target)
    return target


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _read_only_core(bundled_db, tmp_path_factory):
    """The run's one fully opened core (open_core, indexes built), over its own copy of the store."""
    from racebot.app import open_core

    path = tmp_path_factory.mktemp("shared") / "racebot.db"
    shutil.copyfile(bundled_db, path)
    c = await open_core(path)
    await c.store.conn.execute("PRAGMA query_only = ON")  # the reader connection already is
    yield c
    await c.store.close()


@pytest.fixture
def shared_core(_read_only_core, caplog):
    """The shared read-only core, for tests that only query; checked after each test."""
    commands = _read_only_core.registry.names()
    yield _read_only_core
    untouched(_read_only_core, commands, caplog.records)


@pytest.fixture
async def core(open_copy, db_copy):
    return await open_copy(db_copy)


@pytest.fixture
async def open_copy(_read_only_core):
    """Opens more cores like `core` (a copy of the bundled store at `path`), with a clock of the
    test's choosing; all closed after the test."""
    opened = []

    async def open_(path: Path, *, clock=None):
        opened.append(await writable_core(_read_only_core, path, clock=clock))
        return opened[-1]
    yield open_
    for c in opened:
        await c.store.close()
