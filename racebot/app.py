"""Composition root: open the store (a SQLite file, or PostgreSQL by URL), load bundled data, build the core."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Protocol

from bot.core import Core
from bot.indexes import Indexes
from racebot import index_snapshot
from racebot.bundled import ensure_bundled
from racebot.database_url import is_postgres_url
from racebot.prebuilt import install as install_prebuilt
from racebot.store_snapshot import InStore
from racebot.tuning import freeze_loaded
from storage.schema import VERSION
from storage.sqlite import SqliteStore

log = logging.getLogger(__name__)


async def open_core(db_path: str | Path, *, clock=None, bundled: bool = True, prebuilt: bool = True,
                    one_question: bool = False) -> Core:
    """A started Core over the SQLite store at `db_path`, filled from the bundled data on first run
    (copied ready-built unless `prebuilt` is False: building it is how racebot.build_bundle makes it);
    or over the PostgreSQL store a postgresql:// URL names (config.Config.store).
    `one_question`: for a process that answers one command and exits; the saved indexes are then
    read part by part as the command needs them, on the event loop, which serves nothing else."""
    if is_postgres_url(str(db_path)):
        return await _open_postgres_core(str(db_path), clock=clock, bundled=bundled, one_question=one_question)
    if bundled and prebuilt:
        install_prebuilt(db_path)
    store = await SqliteStore.open(db_path)
    try:
        if bundled:
            await ensure_bundled(store)
        core = Core(store, clock=clock, after_load=freeze_loaded)
        try:
            index_snapshot.identity(db_path)
        except OSError:  # not a file of its own (":memory:"): nothing to save beside
            await core.start()
        else:
            await _start(core, _Beside(db_path), one_question)
    except BaseException:
        await store.close()
        raise
    return core


async def _open_postgres_core(url: str, *, clock=None, bundled: bool, one_question: bool) -> Core:
    """Its bundled data imported through the store's own write path on first start (the prebuilt
    file is SQLite's); its indexes from the snapshot the store holds for every process."""
    from storage.postgres.store import PostgresStore

    store = await PostgresStore.open(url)
    try:
        if bundled:
            await ensure_bundled(store)
        core = Core(store, clock=clock, after_load=freeze_loaded)
        await _start(core, InStore(store), one_question)
    except BaseException:
        await store.close()
        raise
    return core


class _Place(Protocol):
    """Where a store's indexes are saved: a file beside a SQLite store, a row in PostgreSQL."""

    async def load(self, key: index_snapshot.Key, lazy: bool) -> index_snapshot.Saved | None: ...

    async def save(self, key: index_snapshot.Key, indexes: Indexes) -> None: ...


class _Beside:
    """The snapshot file beside a SQLite store (racebot.index_snapshot)."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = db_path

    async def load(self, key: index_snapshot.Key, lazy: bool) -> index_snapshot.Saved | None:
        if lazy:  # only the header and the small part are read here: a few kilobytes
            return index_snapshot.load(self.db_path, key, lazy=True)
        return await asyncio.to_thread(index_snapshot.load, self.db_path, key)

    async def save(self, key: index_snapshot.Key, indexes: Indexes) -> None:
        await asyncio.to_thread(index_snapshot.save, self.db_path, key, indexes)


async def _start(core: Core, place: _Place, lazy: bool = False) -> None:
    """From the indexes saved for the store, brought up to date from the change feed, else built;
    saved again when they were not the store as it stands."""
    await core.feed.skip_to_head()  # first: the saved indexes must be of the store as the feed stands
    key = index_snapshot.Key(VERSION, core.feed.seq)
    saved = await place.load(key, lazy)
    if saved is not None:
        core.adopt(saved.indexes)
        if saved.head == key.head:
            log.info("indexes from the snapshot of the store (nothing written since it was saved)")
            return
        # The feed from the snapshot's head: the races written since are changed in place, or the
        # indexes are built beside when they are a large share (Core.refresh, as for a live import).
        core.feed.rewind(saved.head)
        changes = await core.refresh()
        log.info("indexes from the snapshot of the store, and %d changes since it was saved", changes)
        if lazy:
            return  # one question and exit: a save would read every part for nothing
    else:
        await core.start()
    head = core.feed.seq
    if head == await core.store.change_head():  # nobody wrote meanwhile: the indexes are the store at `head`
        await place.save(index_snapshot.Key(VERSION, head), core.indexes)
