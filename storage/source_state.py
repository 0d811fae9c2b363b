"""What result sources fetched and how they are doing, in SQLite (schema version 3).

`SourceStateRows` is mixed into SqliteStore. It implements `bot.sources.state.SourceState`: a
source's `FetchState` (so the store itself is the source's memory: `WorldAthleticsSource(settings,
store)`) and its `HealthStore` (for /status and the admin alert).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from bot.sources.health import SourceHealth
from bot.sources.state import DayMark
from storage.connected import Connected
from storage.writer import Writer

_HEALTH_COLS = ("source, last_success, last_error, last_error_at, failing_since, next_poll, circuit, "
                "alerted_since")
_SAVE_HEALTH = f"""
INSERT INTO source_health ({_HEALTH_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source) DO UPDATE SET
    last_success = excluded.last_success, last_error = excluded.last_error,
    last_error_at = excluded.last_error_at, failing_since = excluded.failing_since,
    next_poll = excluded.next_poll, circuit = excluded.circuit, alerted_since = excluded.alerted_since
"""


def _ts(moment: datetime | None) -> str | None:
    """UTC, microseconds, fixed width (the outbox's format): text order is time order."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (UTC)")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def write_marks(db: Writer, marks: Sequence[DayMark]) -> None:
    """Merge digests and settle days; the caller holds the write transaction (WriteTx.mark_fetched)."""
    await db.executemany(
        "INSERT INTO wa_fetch (competition_id, day, event_id, digest) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (competition_id, day, event_id) DO UPDATE SET digest = excluded.digest",
        [(m.competition_id, m.day, event_id, digest) for m in marks for event_id, digest in m.digests.items()])
    await db.executemany(
        "INSERT INTO wa_days (competition_id, day, settled) VALUES (?, ?, ?) "
        "ON CONFLICT (competition_id, day) DO UPDATE SET settled = max(settled, excluded.settled)",
        [(m.competition_id, m.day, int(m.settled)) for m in marks])


class SourceStateRows(Connected):
    conn: Writer

    # --- FetchState (bot/sources/state.py) ---------------------------------------------------
    async def digests(self, competition_id: int, day: int) -> dict[int, str]:
        rows = await self.conn.execute_fetchall(
            "SELECT event_id, digest FROM wa_fetch WHERE competition_id = ? AND day = ?", (competition_id, day))
        return {event_id: digest for event_id, digest in rows}

    async def is_settled(self, competition_id: int, day: int) -> bool:
        rows = await self.conn.execute_fetchall(
            "SELECT settled FROM wa_days WHERE competition_id = ? AND day = ?", (competition_id, day))
        return any(settled for (settled,) in rows)

    async def record(self, marks: Sequence[DayMark]) -> None:
        if marks:
            async with self.transaction() as db:
                await write_marks(db, marks)

    # --- HealthStore (bot/sources/health.py) ------------------------------------------------
    async def source_health(self) -> list[SourceHealth]:
        rows = await self.conn.execute_fetchall(f"SELECT {_HEALTH_COLS} FROM source_health ORDER BY source")
        return [SourceHealth(name, _when(ok), error, _when(error_at), _when(since), _when(nxt), circuit, _when(alerted))
                for name, ok, error, error_at, since, nxt, circuit, alerted in rows]

    async def save_source_health(self, health: SourceHealth) -> None:
        h = health
        async with self.transaction() as db:
            await db.execute(_SAVE_HEALTH, (h.name, _ts(h.last_success), h.last_error, _ts(h.last_error_at),
                                            _ts(h.failing_since), _ts(h.next_poll), h.circuit, _ts(h.alerted_since)))
