"""Fixtures shared by every test: no real secrets, and a bundled store built once per run."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
async def core(db_copy):
    from racebot.app import open_core

    c = await open_core(db_copy)
    yield c
    await c.store.close()
