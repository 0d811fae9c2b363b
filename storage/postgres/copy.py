"""copy-store: a whole store from SQLite to PostgreSQL or back, verified table by table.

The destination must be empty (migrated, no rows): a copy never merges. Rows move by column
name in chunks (COPY into PostgreSQL, executemany into SQLite), all in one transaction on the
destination, so a failed copy leaves it empty. Afterwards both sides are counted and summed
(storage.postgres.tables) and any difference is an error naming the tables.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from storage.postgres.store import PostgresStore
from storage.postgres.tables import (CHUNK, TableSum, postgres_sums, postgres_tables, sqlite_sums,
                                     sqlite_tables)
from storage.sqlite import SqliteStore


class CopyFailed(Exception):
    pass


@dataclass(frozen=True)
class CopyReport:
    tables: list[TableSum]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


async def sqlite_to_postgres(path: str | Path, url: str, schema: str | None = None) -> CopyReport:
    await (await SqliteStore.open(path)).close()  # migrated to this racebot's version first
    src = _sqlite(path, readonly=True)
    dst = await PostgresStore.open(url, schema=schema)
    try:
        tables = _same_tables(sqlite_tables(src), await postgres_tables(dst.listener, dst.schema))
        async with dst.pool.acquire() as conn:
            await _refuse_rows(conn, tables)
            src.execute("BEGIN")  # one snapshot of the source, copied and summed, while others may write
            try:
                async with conn.transaction():
                    await conn.execute("SET CONSTRAINTS ALL DEFERRED")  # checked at commit, tables in any order
                    for table, cols in tables.items():
                        cur = src.execute(f"SELECT {_cols(cols)} FROM \"{table}\"")
                        while rows := cur.fetchmany(CHUNK):
                            await conn.copy_records_to_table(table, records=rows, columns=cols,
                                                             schema_name=dst.schema)
                    await _advance_identities(conn, dst.schema)
            except asyncpg.IntegrityConstraintViolationError as exc:
                raise CopyFailed(f"the source breaks a rule of the schema: {exc}") from None
            ours = sqlite_sums(src, tables)
            src.execute("COMMIT")
            return verified(ours, await postgres_sums(conn, tables))
    finally:
        src.close()
        await dst.close()


async def postgres_to_sqlite(url: str, path: str | Path, schema: str | None = None) -> CopyReport:
    src = await PostgresStore.open(url, schema=schema)
    await (await SqliteStore.open(path)).close()
    dst = _sqlite(path)
    try:
        async with src.pool.acquire() as conn:
            tables = _same_tables(sqlite_tables(dst), await postgres_tables(conn, src.schema))
            for table in tables:
                if dst.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                    raise CopyFailed(f"the destination is not empty (table {table} has rows): copy-store never merges")
            dst.execute("BEGIN IMMEDIATE")  # foreign keys are off on a plain connection: any order
            try:
                # one snapshot of the source, copied and summed, while others may write
                async with conn.transaction(readonly=True, isolation="repeatable_read"):
                    for table, cols in tables.items():
                        insert = f"INSERT INTO \"{table}\" ({_cols(cols)}) VALUES ({', '.join('?' * len(cols))})"
                        cur = await conn.cursor(f"SELECT {_cols(cols)} FROM \"{table}\"")
                        while rows := await cur.fetch(CHUNK):
                            dst.executemany(insert, rows)
                    theirs = await postgres_sums(conn, tables)
                if problem := dst.execute("PRAGMA foreign_key_check").fetchone():
                    raise CopyFailed(f"the source breaks a reference (table, row, to table): {tuple(problem)[:3]}")
                dst.execute("COMMIT")
            except BaseException:
                dst.execute("ROLLBACK")
                raise
        return verified(theirs, sqlite_sums(dst, tables))
    finally:
        dst.close()
        await src.close()


def _sqlite(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro" if readonly else str(path), uri=readonly, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 10000")
    return db


def _same_tables(lite: dict[str, list[str]], pg: dict[str, list[str]]) -> dict[str, list[str]]:
    """The tables both hold, which must be all of them with the same columns (one schema version)."""
    if lite != pg:
        differ = sorted(t for t in lite.keys() | pg.keys() if lite.get(t) != pg.get(t))
        raise CopyFailed(f"the two stores' schemas differ in {', '.join(differ)}: is one from another racebot?")
    return lite


async def _refuse_rows(conn: asyncpg.Connection, tables: dict[str, list[str]]) -> None:
    for table in tables:
        if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
            raise CopyFailed(f"the destination is not empty (table {table} has rows): copy-store never merges")


async def _advance_identities(conn: asyncpg.Connection, schema: str) -> None:
    """Ids were copied as they are: the next one the database gives must come after them."""
    for table, column in await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = $1 AND is_identity = 'YES'", schema):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence($1, $2), m) FROM "
                           f"(SELECT max(\"{column}\") AS m FROM \"{table}\") t WHERE m IS NOT NULL",
                           f'"{schema}"."{table}"', column)


def verified(source: list[TableSum], copied: list[TableSum]) -> CopyReport:
    wrong = [f"{a.table} ({a.rows} rows -> {b.rows})" for a, b in zip(source, copied, strict=True) if a != b]
    if wrong:
        raise CopyFailed(f"the copy differs from its source in {', '.join(wrong)}")
    return CopyReport(copied)


def _cols(cols: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)

