"""Open the store a target names: a postgresql:// URL opens PostgreSQL, anything else is a
SQLite file. The only place besides the composition root that knows both backends."""
from __future__ import annotations

from pathlib import Path

from bot.backend import Store
from racebot.database_url import is_postgres_url


async def open_store(target: str | Path) -> Store:
    if is_postgres_url(str(target)):
        from storage.postgres.store import PostgresStore

        return await PostgresStore.open(str(target))
    from storage.sqlite import SqliteStore

    return await SqliteStore.open(target)
