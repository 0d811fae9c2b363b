"""Fixtures shared by every test: no real secrets, and the bundled store built once per run.

Building a core's in-memory indexes from the bundled store costs over a second, and grows with
the data, so a run opens as few cores as it can:
- `shared_core`: one core for the whole run, for tests that only ask questions. Its SQLite
  connections are read-only, so a test that writes through it fails loudly instead of changing
  what every later test sees (see cores.untouched).
- `core`: a core of the test's own over a fresh copy of the store (`db_copy`), for tests that
  write. It starts from the shared core's indexes, which were built from an identical file,
  instead of building them again; an import followed by `core.start()` builds its own.
- `results_only_*`: the same over a store an eighth the size (no career histories), for tests
  where the histories are not the point (tests/results_only.py): copying, opening, planning an
  import against and hashing it each cost a tenth of the whole store's.
Copies come with the indexes saved beside the store they copy (cores.copy_store), so a core or a
`racebot` process opened on one loads them instead of building (tests/core/test_index_snapshot.py
copies the file alone).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_asyncio
from cores import built_once, copy_store, untouched, writable_core

SECRETS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
           "RACEBOT_WA_API_KEY", "RACEBOT_WA_ENDPOINT", "RACEBOT_DB", "RACEBOT_CONFIG", "RACEBOT_DATABASE_URL",
           "PGPASSWORD")


@pytest.fixture(autouse=True)
def _no_real_secrets(monkeypatch):
    """A developer's real tokens or store must never leak into a test."""
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def whole_db(tmp_path_factory) -> Path:
    """A store built from the bundled data once; tests get their own copy of the file. (Named
    apart from `bundled_db`, which a module may point at a smaller store: tests/results_only.py.)"""
    from racebot.app import open_core

    async def build(path: Path) -> None:
        core = await open_core(path)
        await core.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await core.store.close()

    return built_once(tmp_path_factory, "bundled", build)


@pytest.fixture(scope="session")
def bundled_db(whole_db) -> Path:
    """The store a module's tests copy: the whole bundled one, unless the module points it elsewhere."""
    return whole_db


@pytest.fixture(scope="session")
def results_only_db(tmp_path_factory) -> Path:
    """The bundled Diamond League archive and seed without the career histories: for tests of
    importing histories or linking a file's races to the archive's, as a store before them was,
    and for tests where what the store holds is not the point. Marked as holding this version of
    the bundle, so a `racebot` command opened on a copy leaves it as it is (else its first start
    would import every history, as for a store of an older version)."""
    from racebot import index_snapshot
    from racebot.app import open_core
    from racebot.bundled import BUNDLE_VERSION, load_results

    async def build(path: Path) -> None:
        core = await open_core(path, bundled=False)
        await load_results(core.store)
        await core.store.set_meta("bundle_version", BUNDLE_VERSION)
        await core.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await core.store.close()
        # opened again as it now stands, its indexes built and saved beside it for its copies
        # (copy_store); those the first opening saved, of the empty store, go first
        index_snapshot.path_for(path).unlink(missing_ok=True)
        core = await open_core(path, bundled=False)
        await core.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await core.store.close()

    return built_once(tmp_path_factory, "results-only", build)


@pytest.fixture
def results_only_copy(results_only_db, tmp_path) -> Path:
    return copy_store(results_only_db, tmp_path / "results-only.db")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _results_only_read_core(results_only_db, tmp_path_factory):
    """A core opened on the results-only store once, whose indexes `results_only_core` starts from."""
    from racebot.app import open_core

    path = copy_store(results_only_db, tmp_path_factory.mktemp("results-only-shared") / "racebot.db")
    c = await open_core(path, bundled=False)
    yield c
    await c.store.close()


@pytest.fixture
async def clocked_results_only_core(_results_only_read_core, results_only_copy, clock):
    """As `results_only_core`, on the test's own `clock` fixture (a fake clock where polls,
    digests and deliveries are timed)."""
    c = await writable_core(_results_only_read_core, results_only_copy, clock=clock)
    yield c
    await c.store.close()


@pytest.fixture
async def results_only_core(_results_only_read_core, results_only_copy):
    """As `core`, over a copy of the results-only store."""
    c = await writable_core(_results_only_read_core, results_only_copy)
    yield c
    await c.store.close()


@pytest.fixture
def db_copy(bundled_db, tmp_path) -> Path:
    return copy_store(bundled_db, tmp_path / "racebot.db")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _read_only_core(whole_db, tmp_path_factory):
    """The run's one fully opened core (open_core, indexes built), over its own copy of the store."""
    from racebot.app import open_core

    path = copy_store(whole_db, tmp_path_factory.mktemp("shared") / "racebot.db")
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


def pytest_configure(config) -> None:
    """Compile the project's modules once, before the workers start: where PYTHONDONTWRITEBYTECODE
    is set (as on this machine and CI) every `racebot` subprocess a test starts would otherwise
    compile every module it imports again (pip compiles the dependencies when it installs them)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("bot", "adapters", "storage", "racebot", "bench"):
        compileall.compile_dir(root / package, quiet=1)


def pytest_terminal_summary(terminalreporter) -> None:
    """One line when the PostgreSQL half was skipped (tests/pg_server.py), whatever -r says."""
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if "PostgreSQL store tests skipped" in reason:
            terminalreporter.write_line(reason.removeprefix("Skipped: "), yellow=True)
            return
