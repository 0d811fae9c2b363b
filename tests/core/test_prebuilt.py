"""The ready-built store shipped in the package is what the bundled sources build today:
rebuild it with `python -m racebot.build_bundle` whenever a bundled file or an importer changes."""
import logging
import math
from array import array
import sqlite3

import pytest

from bot.indexes import Indexes
from bot.search.rows import Rows
from racebot import index_snapshot
from racebot.app import open_core
from racebot.bundled import BUNDLE_VERSION
from racebot.prebuilt import install, prebuilt, unpack
from storage.schema import VERSION

TABLES = {"athletes": "id", "athlete_ids": "scheme, source_id", "competitions": "id",
          "competition_aliases": "name_key, venue_key, competition_id", "races": "id",
          "results": "race_id, athlete_id", "result_alternates": "race_id, athlete_id, origin"}


def content(path):
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY {order}").fetchall() for t, order in TABLES.items()}


@pytest.mark.slow  # a whole build of the bundle, a minute of CPU: .ci/run runs it after the README command
async def test_the_shipped_store_equals_a_fresh_build_of_the_bundled_sources(tmp_path):
    fresh = tmp_path / "fresh.db"
    core = await open_core(fresh, prebuilt=False)
    await core.store.close()
    shipped = tmp_path / "shipped.db"
    with prebuilt().open("rb") as packed, shipped.open("wb") as out:
        unpack(packed, out)
    with sqlite3.connect(shipped) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'bundle_version'").fetchone() == (BUNDLE_VERSION,)
        assert db.execute("PRAGMA user_version").fetchone() == (VERSION,), "rebuild: python -m racebot.build_bundle"
    assert content(shipped) == content(fresh), "rebuild: python -m racebot.build_bundle"


def plain(obj):
    """An object graph as values that compare by content (sets order by the run's hash seed; a
    table of rows by the objects it stands for, made now or not)."""
    if isinstance(obj, Rows):
        return {plain(k): plain(obj[k]) for k in obj}
    if isinstance(obj, array):  # NaN marks a value not computed yet (bot.search.athletes), never equal to itself
        return tuple(None if isinstance(v, float) and math.isnan(v) else v for v in obj)
    if isinstance(obj, dict):
        return {plain(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, tuple):  # hashable still: tuples are dict keys too (surname groups by letter and length)
        return tuple(plain(v) for v in obj)
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return frozenset(map(plain, obj))
    if hasattr(obj, "__dict__") or hasattr(obj, "__slots__"):
        names = list(getattr(obj, "__dict__", {})) + [n for c in type(obj).__mro__ for n in getattr(c, "__slots__", ())]
        return (type(obj).__name__, tuple((n, plain(getattr(obj, n))) for n in names if hasattr(obj, n)))
    return obj


@pytest.mark.slow  # like the test above, it fails until the bundle is rebuilt after a change to the index code
async def test_a_first_run_answers_from_the_shipped_indexes(tmp_path, caplog):
    path = tmp_path / "racebot.db"
    assert install(path)
    assert index_snapshot.path_for(path).is_file(), "rebuild: python -m racebot.build_bundle"
    with caplog.at_level(logging.INFO, logger="racebot.app"):
        core = await open_core(path)
    try:
        assert "indexes from the snapshot" in caplog.text
        fresh = Indexes()
        await fresh.load(core.store)
        assert plain(fresh) == plain(core.indexes)
    finally:
        await core.store.close()


async def test_a_first_run_copies_it_and_never_overwrites_a_store(tmp_path):
    path = tmp_path / "racebot.db"
    assert install(path) and not install(path)
    core = await open_core(path)
    try:
        assert core.indexes.athletes.stats  # ready to answer without importing anything
    finally:
        await core.store.close()
