"""The ready-built store shipped in the package is what the bundled sources build today:
rebuild it with `python -m racebot.build_bundle` whenever a bundled file or an importer changes."""
import lzma
import sqlite3

import pytest

from racebot.app import open_core
from racebot.bundled import BUNDLE_VERSION
from racebot.prebuilt import install, prebuilt
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
    shipped.write_bytes(lzma.decompress(prebuilt().read_bytes()))
    with sqlite3.connect(shipped) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'bundle_version'").fetchone() == (BUNDLE_VERSION,)
        assert db.execute("PRAGMA user_version").fetchone() == (VERSION,), "rebuild: python -m racebot.build_bundle"
    assert content(shipped) == content(fresh), "rebuild: python -m racebot.build_bundle"


async def test_a_first_run_copies_it_and_never_overwrites_a_store(tmp_path):
    path = tmp_path / "racebot.db"
    assert install(path) and not install(path)
    core = await open_core(path)
    try:
        assert core.indexes.athletes.stats  # ready to answer without importing anything
    finally:
        await core.store.close()
