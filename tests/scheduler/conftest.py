"""Fixtures for the scheduler suite: real SQLite files in tmp_path, never a mocked store or core."""
from __future__ import annotations

import pytest
import pytest_asyncio

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


@pytest_asyncio.fixture
async def core(open_copy, db_copy, clock):
    """A started Core over a copy of the bundled data, on the fake clock."""
    return await open_copy(db_copy, clock=clock)
