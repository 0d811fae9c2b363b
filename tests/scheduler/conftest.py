"""Fixtures for the scheduler suite: real SQLite files in tmp_path, never a mocked store or core."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import pytest_asyncio

from racebot.app import open_core
from sched_fakes import FakeClock
from storage.sqlite import SqliteStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def store(tmp_path):
    """An empty real store: tests fill it through the real importer."""
    s = await SqliteStore.open(tmp_path / "racebot.db")
    yield s
    await s.close()


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The bundled data loaded once per session; tests copy the file (about 2 s saved each)."""
    path = tmp_path_factory.mktemp("bundled") / "racebot.db"

    async def build() -> None:
        core = await open_core(path)
        await core.store.close()

    asyncio.run(build())
    return path


@pytest_asyncio.fixture
async def core(bundled_db, tmp_path, clock):
    """A started Core over a copy of the bundled data, on the fake clock."""
    path = tmp_path / "racebot.db"
    shutil.copyfile(bundled_db, path)
    c = await open_core(path, clock=clock)
    yield c
    await c.store.close()
