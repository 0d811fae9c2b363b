"""The change feed's rows in PostgreSQL, written inside every results write (storage.changes in
SQLite): the same rows, with the same UTC text times; schema step 6 notifies the listeners."""
from __future__ import annotations

from typing import Iterable

import asyncpg

_RECORD = ("INSERT INTO changes (kind, race_id, athlete_id, at) "
           "SELECT $1, {race}, {athlete}, to_char(clock_timestamp() AT TIME ZONE 'UTC', "
           "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM unnest($2::bigint[]) AS u(v) ORDER BY v")


async def record_changes(conn: asyncpg.Connection, races: Iterable[int], athletes: Iterable[int]) -> None:
    """Inside the caller's write transaction: one row per race and per new athlete, in id order."""
    for kind, ids, race, athlete in (("athlete", athletes, "NULL::bigint", "v"), ("race", races, "v", "NULL::bigint")):
        ordered = sorted(set(ids))
        if ordered:
            await conn.execute(_RECORD.format(race=race, athlete=athlete), kind, ordered)
