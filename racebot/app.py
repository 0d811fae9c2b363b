"""Composition root: open the store, load bundled data, build the core."""
from __future__ import annotations

import logging
from pathlib import Path

from bot.core import Core
from racebot.bundled import ensure_bundled
from racebot.prebuilt import install as install_prebuilt
from racebot.tuning import freeze_loaded
from storage.sqlite import SqliteStore

log = logging.getLogger(__name__)


async def open_core(db_path: str | Path, *, clock=None, bundled: bool = True, prebuilt: bool = True) -> Core:
    """A started Core over the SQLite store at `db_path`, filled from the bundled data on first run
    (copied ready-built unless `prebuilt` is False: building it is how racebot.build_bundle makes it)."""
    if bundled and prebuilt:
        install_prebuilt(db_path)
    store = await SqliteStore.open(db_path)
    try:
        if bundled:
            await ensure_bundled(store)
        core = Core(store, clock=clock, after_load=freeze_loaded)
        await core.start()
    except BaseException:
        await store.close()
        raise
    return core
