"""The indexes' snapshot kept in a PostgreSQL store (storage.postgres.index_snapshot), for every
process of a deployment: read and checked as the file beside a SQLite store is (racebot.index_snapshot)."""
from __future__ import annotations

import asyncio
from typing import Protocol

from bot.indexes import Indexes
from racebot import index_snapshot


class SnapshotRow(Protocol):
    async def saved_indexes(self, head: int) -> tuple[int, bytes] | None: ...

    async def save_indexes(self, head: int, data: bytes) -> None: ...


class InStore:
    def __init__(self, store: SnapshotRow) -> None:
        self.store = store

    async def load(self, key: index_snapshot.Key, lazy: bool) -> index_snapshot.Saved | None:
        row = await self.store.saved_indexes(key.head)
        if row is None:
            return None
        head, data = row
        if lazy:  # each part unpickled on its first use, from the bytes held
            saved = index_snapshot.loads(data, key, lazy=True)
        else:
            saved = await asyncio.to_thread(index_snapshot.loads, data, key)
        # the row's head is checked against the store's history (the change at it); the pickled
        # key's must be the same, or the row was written with someone else's bytes
        return saved if saved is not None and saved.head == head else None

    async def save(self, key: index_snapshot.Key, indexes: Indexes) -> None:
        data = await asyncio.to_thread(index_snapshot.dumps, key, indexes)
        await self.store.save_indexes(key.head, data)
