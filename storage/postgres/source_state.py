"""What result sources fetched and how they are doing (SourceState), in PostgreSQL: as
storage.source_state does it in SQLite, with the same text times."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from bot.sources.health import SourceHealth
from bot.sources.state import DayMark
from storage.outbox.convert import ts, when

_HEALTH_COLS = ("source, last_success, last_error, last_error_at, failing_since, next_poll, circuit, "
                "alerted_since")

_SAVE_HEALTH = f"""
INSERT INTO source_health ({_HEALTH_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (source) DO UPDATE SET
    last_success = excluded.last_success, last_error = excluded.last_error,
    last_error_at = excluded.last_error_at, failing_since = excluded.failing_since,
    next_poll = excluded.next_poll, circuit = excluded.circuit, alerted_since = excluded.alerted_since
"""


def _ts(moment: datetime | None) -> str | None:
    return None if moment is None else ts(moment)


async def write_marks(conn: asyncpg.Connection, marks: Sequence[DayMark]) -> None:
    """Merge digests and settle days (a settled day stays settled); the caller holds the transaction."""
    await conn.executemany(
        "INSERT INTO wa_fetch (competition_id, day, event_id, digest) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (competition_id, day, event_id) DO UPDATE SET digest = excluded.digest",
        [(m.competition_id, m.day, event_id, digest) for m in marks for event_id, digest in m.digests.items()])
    await conn.executemany(
        "INSERT INTO wa_days (competition_id, day, settled) VALUES ($1, $2, $3) "
        "ON CONFLICT (competition_id, day) DO UPDATE SET settled = greatest(wa_days.settled, excluded.settled)",
        [(m.competition_id, m.day, int(m.settled)) for m in marks])


class PostgresSourceState:
    pool: asyncpg.Pool

    async def digests(self, competition_id: int, day: int) -> dict[int, str]:
        rows = await self.pool.fetch(
            "SELECT event_id, digest FROM wa_fetch WHERE competition_id = $1 AND day = $2", competition_id, day)
        return {event_id: digest for event_id, digest in rows}

    async def is_settled(self, competition_id: int, day: int) -> bool:
        return bool(await self.pool.fetchval(
            "SELECT settled FROM wa_days WHERE competition_id = $1 AND day = $2", competition_id, day))

    async def record(self, marks: Sequence[DayMark]) -> None:
        if marks:
            async with self.pool.acquire() as conn, conn.transaction():
                await write_marks(conn, marks)

    async def source_health(self) -> list[SourceHealth]:
        rows = await self.pool.fetch(f"SELECT {_HEALTH_COLS} FROM source_health ORDER BY source")
        return [SourceHealth(name, when(ok), error, when(error_at), when(since), when(nxt), circuit, when(alerted))
                for name, ok, error, error_at, since, nxt, circuit, alerted in rows]

    async def save_source_health(self, health: SourceHealth) -> None:
        h = health
        await self.pool.execute(_SAVE_HEALTH, h.name, _ts(h.last_success), h.last_error, _ts(h.last_error_at),
                                _ts(h.failing_since), _ts(h.next_poll), h.circuit, _ts(h.alerted_since))
