"""The PostgreSQL store: a pool of asyncpg connections, migrated on open, in one schema of a database.

Every role of bot.backend.Store: the core's reads, Meta, SourceState, Writes (the unit of work,
the bulk import, the outbox rows a poll writes) and the outbox's polls and delivery.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from bot.errors import NotStarted
from bot.store import Change
from storage.outbox import convert as oc
from storage.postgres.index_reads import PostgresIndexReads
from storage.postgres.installs import PostgresInstalls
from storage.postgres.index_snapshot import CREATE as CREATE_INDEX_SNAPSHOT
from storage.postgres.index_snapshot import PostgresIndexSnapshot
from storage.postgres.outbox_queue import PostgresOutboxQueue
from storage.postgres.poll_state import PostgresPollState
from storage.postgres.queries import PostgresReads
from storage.postgres.schema import MIGRATIONS, VERSION
from storage.postgres.source_state import PostgresSourceState
from storage.postgres.follows import PostgresFollows
from storage.postgres.subscriptions import PostgresSubscriptions
from storage.postgres.unit_of_work import PostgresWrites

log = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_LOCK = 0x72616365  # the advisory lock two processes migrating one schema take in turn


class PostgresStore(PostgresReads, PostgresIndexReads, PostgresSourceState, PostgresSubscriptions, PostgresFollows,
                    PostgresWrites, PostgresPollState, PostgresOutboxQueue, PostgresInstalls, PostgresIndexSnapshot):
    def __init__(self, pool: asyncpg.Pool, listener: asyncpg.Connection, url: str, schema: str) -> None:
        self.pool, self.listener, self.url, self.schema = pool, listener, url, schema
        self._version = 0

    @classmethod
    async def open(cls, url: str, *, schema: str | None = None) -> "PostgresStore":
        """The store in `schema` of the database at `url` (default: the URL's `?schema=`, else
        public), created and migrated; NotStarted when it cannot be used. Each test takes a schema
        of its own."""
        url, schema = split_url(url, schema)
        if not _NAME.fullmatch(schema):
            raise NotStarted(f"not a schema name racebot uses: {schema!r} (lower case letters, digits, _)")
        try:
            first = await asyncpg.connect(url)
        except (OSError, asyncpg.PostgresError, ValueError) as exc:
            raise NotStarted(f"cannot reach the PostgreSQL store {_safe(url)}: {exc}") from None
        try:
            await first.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await first.execute(f'SET search_path TO "{schema}"')
            await _migrate(first, _safe(url), schema)
            pool = await asyncpg.create_pool(url, min_size=1, max_size=4,
                                             server_settings={"search_path": f'"{schema}"'})
        except BaseException:
            await first.close()
            raise
        # The first connection stays open to hear the change feed's notifications.
        store = cls(pool, first, url, schema)
        await first.add_listener("racebot_changes", store._notified)
        return store

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        if payload == self.schema:
            self._version += 1

    async def close(self) -> None:
        await self.listener.close()
        await self.pool.close()

    async def get_meta(self, key: str) -> str | None:
        value: str | None = await self.pool.fetchval("SELECT value FROM meta WHERE key = $1", key)
        return value

    async def set_meta(self, key: str, value: str) -> None:
        await self.pool.execute("INSERT INTO meta (key, value) VALUES ($1, $2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)

    async def change_head(self) -> int:
        head: int = await self.pool.fetchval("SELECT coalesce(max(seq), 0) FROM changes")
        return head

    async def changes_since(self, seq: int, limit: int) -> list[Change]:
        rows = await self.pool.fetch(
            "SELECT seq, kind, race_id, athlete_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2", seq, limit)
        return [Change(*row) for row in rows]

    def data_version(self) -> int:
        """Counts the change feed's notifications (schema step 6 notifies on every insert): the feed
        is read only after someone wrote to it, as with SQLite's PRAGMA data_version."""
        return self._version

    async def first_sighting(self, key: str, now: datetime, until: datetime) -> bool:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM seen_requests WHERE expires_at <= $1", oc.ts(now))
            status = await conn.execute("INSERT INTO seen_requests (key, expires_at) VALUES ($1, $2) "
                                        "ON CONFLICT DO NOTHING", key, oc.ts(until))
            return bool(status == "INSERT 0 1")


async def _migrate(conn: asyncpg.Connection, where: str, schema: str) -> None:
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _LOCK, schema)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        version = await conn.fetchval("SELECT version FROM schema_version")
        if version is None:
            await conn.execute("INSERT INTO schema_version VALUES (0)")
            version = 0
        if version > VERSION:
            raise NotStarted(f"the store {where} (schema {schema}) was written by a newer racebot (version "
                             f"{version}, this one knows {VERSION}): upgrade racebot")
        for step in range(version, VERSION):
            await conn.execute(MIGRATIONS[step])
            await conn.execute("UPDATE schema_version SET version = $1", step + 1)
            log.info("store %s (schema %s) migrated to version %d", where, schema, step + 1)
        await conn.execute(CREATE_INDEX_SNAPSHOT)  # a cache beside the schema (storage.postgres.index_snapshot)


def split_url(url: str, schema: str | None = None) -> tuple[str, str]:
    """The URL for asyncpg and the schema: `schema`, else the URL's `?schema=NAME`, else public."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    named = [v for k, v in query if k == "schema"]
    rest = urlunsplit(parts._replace(query=urlencode([(k, v) for k, v in query if k != "schema"])))
    return rest, schema or (named[-1] if named else "public")


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
