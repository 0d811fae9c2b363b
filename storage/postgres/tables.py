"""What copy-store compares on both sides: each table's columns, row count and checksum.

The checksum is order-free (the sum of every row's hash), so neither side has to sort, and the
same values give the same sum whatever the backend: a row is hashed as the repr of its values in
column-name order (ints, floats, text and NULL look alike in sqlite3 and asyncpg).
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

_MOD = 1 << 128
CHUNK = 20_000


@dataclass(frozen=True)
class TableSum:
    table: str
    rows: int
    checksum: int

    def __str__(self) -> str:
        return f"{self.table}: {self.rows} rows, checksum {self.checksum:032x}"


class Summer:
    def __init__(self, table: str) -> None:
        self.table, self.rows, self.total = table, 0, 0

    def add(self, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            self.total += int.from_bytes(hashlib.blake2b(repr(tuple(row)).encode(), digest_size=16).digest(), "big")
        self.rows += len(rows)

    def result(self) -> TableSum:
        return TableSum(self.table, self.rows, self.total % _MOD)


def sqlite_tables(db: sqlite3.Connection) -> dict[str, list[str]]:
    """Every table of the SQLite store and its columns, sorted by name."""
    names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: sorted(c[1] for c in db.execute(f'PRAGMA table_info("{n}")')) for n in names}


async def postgres_tables(conn: asyncpg.Connection, schema: str) -> dict[str, list[str]]:
    """Every table of the PostgreSQL store's schema but its version note and its saved indexes (a cache
    SQLite keeps in a file beside the store), and its columns, sorted."""
    out: dict[str, list[str]] = {}
    for table, column in await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1 "
            "AND table_name NOT IN ('schema_version', 'index_snapshot') ORDER BY table_name, column_name", schema):
        out.setdefault(table, []).append(column)
    return out


def sqlite_sums(db: sqlite3.Connection, tables: dict[str, list[str]]) -> list[TableSum]:
    out = []
    for table, cols in tables.items():
        s = Summer(table)
        cur = db.execute(f'SELECT {_cols(cols)} FROM "{table}"')
        while rows := cur.fetchmany(CHUNK):
            s.add(rows)
        out.append(s.result())
    return out


async def postgres_sums(conn: asyncpg.Connection, tables: dict[str, list[str]]) -> list[TableSum]:
    """Inside the caller's transaction if it holds one (a copy sums what it read), else in one snapshot."""
    if conn.is_in_transaction():
        return await _postgres_sums(conn, tables)
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        return await _postgres_sums(conn, tables)


async def _postgres_sums(conn: asyncpg.Connection, tables: dict[str, list[str]]) -> list[TableSum]:
    out = []
    for table, cols in tables.items():
        s = Summer(table)
        cur = await conn.cursor(f'SELECT {_cols(cols)} FROM "{table}"')
        while rows := await cur.fetch(CHUNK):
            s.add(rows)
        out.append(s.result())
    return out


def _cols(cols: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)
