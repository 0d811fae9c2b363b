"""What each row family of SqliteStore (its mixins) uses of the store, declared for the type checker."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import aiosqlite


class Connected:
    """SqliteStore sets these and defines the methods; a mixin declares it needs them by subclassing
    this, so it type-checks on its own."""

    conn: aiosqlite.Connection
    reader: sqlite3.Connection

    if TYPE_CHECKING:  # only declared: SqliteStore's own definitions are the ones that run
        def transaction(self, *, foreign_keys: bool = True,
                        wait: float | None = None) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...

        async def write_statement(self, sql: str, args: Sequence[Any], *, wait: float | None = None) -> list[Any]: ...
