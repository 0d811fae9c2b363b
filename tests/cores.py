"""The cores tests run against (see conftest.py): the shared one's guard, and writable ones."""
from __future__ import annotations

import asyncio
import copy
import fcntl
import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from racebot import index_snapshot

from bot.core import Core
from storage.sqlite import SqliteStore

READ_ONLY = "attempt to write a readonly database"  # SQLite's words when query_only refuses a write


def untouched(core, commands: list[str], records) -> None:
    """Fail the test that wrote through the shared core or changed its commands. A write raises
    inside SQLite; the core's catch-all turns a command's into a polite reply and a log line,
    which is what this looks for."""
    wrote = [r for r in records if r.exc_info and isinstance(r.exc_info[1], sqlite3.OperationalError)
             and READ_ONLY in str(r.exc_info[1])]
    if wrote:
        pytest.fail(f"this test wrote through the shared read-only core ({wrote[0].getMessage()}): "
                    "ask for the `core` fixture, a core over a copy of its own")
    if core.registry.names() != commands:
        pytest.fail("this test changed the shared core's commands: ask for the `core` fixture")


async def writable_core(shared, path: Path, *, clock=None):
    """A started Core over the store at `path`, a copy of the one `shared` was opened on, with
    `shared`'s indexes: a copy of the Indexes object, so a reload here swaps only this core's."""
    store = await SqliteStore.open(path)
    c = Core(store, clock=clock)
    await c.feed.skip_to_head()
    c.indexes = copy.copy(shared.indexes)
    return c


def copy_store(source: Path, target: Path) -> Path:
    """`source` copied to `target`, with the indexes saved beside `source` (racebot.index_snapshot)
    re-saved beside the copy when they were taken of that very file: the copy holds the same bytes
    at the same change-feed head, so they are its indexes too, and a `racebot` process or open_core
    on it loads them instead of building (1.7 s of CPU on the bundled store). The snapshot's own
    checks (head, schema, code) still apply; a test of those copies the file alone."""
    shutil.copyfile(source, target)
    saved = index_snapshot.path_for(source)
    try:
        with saved.open("rb") as f:
            if pickle.load(f) == index_snapshot.identity(source):
                index_snapshot.save_dumped(target, f.read())
    except FileNotFoundError:
        pass
    return target


def built_once(tmp_path_factory, name: str, build) -> Path:
    """The store file `build(path)` makes, made once per run: the run's workers (pytest-xdist,
    addopts) share it, the first to ask building it while the others wait. Tests only copy or
    read it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / f"{name}-store"
    folder.mkdir(exist_ok=True)
    path = folder / "racebot.db"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").exists():
            for half_made in folder.glob("racebot.db*"):  # a worker that failed building it
                half_made.unlink()
            asyncio.run(build(path))
            (folder / "built").touch()
    return path
