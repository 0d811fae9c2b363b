"""Functions PostgreSQL has built in that our SQL needs in SQLite too, registered on every
connection the store opens (its reader's and its writer's)."""
from __future__ import annotations

import sqlite3

from bot.announce.slices import SQL_FUNCTION, channel_hash


def with_functions(conn: sqlite3.Connection) -> sqlite3.Connection:
    # deterministic: SQLite may use it in indexes and fold repeated calls
    conn.create_function(SQL_FUNCTION, 2, channel_hash, deterministic=True)
    return conn
