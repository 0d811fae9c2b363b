"""The outbox in SQLite: polls' bookkeeping and what delivery reads and marks (bot.outbox_store)."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from bot.outbox import DELIVERED, FAILED, PENDING, Delivered, OutboxItem, PollStart
from storage import outbox_convert as oc
from storage.outbox_tx import OutboxTxView

_ITEM = (f"SELECT {oc.SUBSCRIPTION_COLS}, {oc.OUTBOX_COLS} FROM outbox o "
         "JOIN subscriptions s ON s.id = o.subscription_id")
# Rows of a channel go out in order, so delivery looks at the first few of each channel only:
# one busy channel cannot hide the rest behind a LIMIT.
_DUE = """
WITH ranked AS (
    SELECT o.id AS oid, row_number() OVER (PARTITION BY s.platform, s.workspace, s.channel
                                           ORDER BY o.due_at, o.id) AS n
    FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
    WHERE o.state = 'pending' AND o.due_at <= ? AND s.active = 1 {platforms})
""" + _ITEM + """ JOIN ranked ON ranked.oid = o.id WHERE ranked.n <= ? ORDER BY o.due_at, o.id LIMIT ?
"""
_CHUNK = 500  # rows a statement at most: well inside SQLite's 32,766 bound parameters


def _chunks(rows: Sequence) -> list[Sequence]:
    rows = list(rows)
    return [rows[i:i + _CHUNK] for i in range(0, len(rows), _CHUNK)]


class OutboxRows:
    def outbox_tx(self) -> OutboxTxView:
        return OutboxTxView(self.conn)

    async def record_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        async with self.transaction():
            return await self.outbox_tx().begin_poll(source, now, complete)

    async def lease_source(self, source: str, holder: str, now: datetime, until: datetime) -> bool:
        """One poller per source at a time, across tasks and processes; a dead holder's lease lapses."""
        async with self.transaction() as db:
            await db.execute("INSERT OR IGNORE INTO poll_state (source) VALUES (?)", (source,))
            cur = await db.execute(
                "UPDATE poll_state SET lease_holder = ?, lease_until = ? WHERE source = ? "
                "AND (lease_until IS NULL OR lease_until <= ? OR lease_holder = ?)",
                (holder, oc.ts(until), source, oc.ts(now), holder))
            return cur.rowcount == 1

    async def release_source(self, source: str, holder: str) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE poll_state SET lease_holder = NULL, lease_until = NULL "
                             "WHERE source = ? AND lease_holder = ?", (source, holder))

    async def due_rows(self, now: datetime, per_channel: int, limit: int,
                       platforms: Sequence[str] | None = None) -> list[OutboxItem]:
        where = f"AND s.platform IN ({','.join('?' * len(platforms))})" if platforms is not None else ""
        rows = await self.conn.execute_fetchall(_DUE.format(platforms=where),
                                                (oc.ts(now), *(platforms or ()), per_channel, limit))
        return [oc.outbox_item(r) for r in rows]

    async def claim_rows(self, ids: Sequence[int], now: datetime, until: datetime) -> set[int]:
        claimed: set[int] = set()
        for part in _chunks(ids):
            rows = await self._write(
                f"UPDATE outbox SET lease_until = ? WHERE id IN ({','.join('?' * len(part))}) AND state = ? "
                "AND (lease_until IS NULL OR lease_until <= ?) RETURNING id",
                [oc.ts(until), *part, PENDING, oc.ts(now)])
            claimed.update(i for (i,) in rows)
        return claimed

    async def release_rows(self, ids: Sequence[int]) -> None:
        for part in _chunks(ids):
            await self._write(f"UPDATE outbox SET lease_until = NULL WHERE id IN ({','.join('?' * len(part))}) "
                              "AND state = ?", [*part, PENDING])

    async def mark_delivered(self, rows: Sequence[Delivered]) -> None:
        for part in _chunks(rows):
            # One statement for the batch: (id, delivered_at, message_id, detail) as a VALUES table.
            await self._write(
                f"WITH d(id, at, message_id, detail) AS (VALUES {','.join(['(?, ?, ?, ?)'] * len(part))}) "
                "UPDATE outbox SET state = ?, delivered_at = d.at, message_id = d.message_id, detail = d.detail, "
                "attempts = attempts + 1, lease_until = NULL FROM d WHERE outbox.id = d.id",
                [*(v for r in part for v in (r.row_id, oc.ts(r.at), r.message_id, r.detail)), DELIVERED])

    async def mark_retry(self, row_id: int, attempts: int, next_at: datetime, detail: str) -> None:
        await self._mark("attempts = ?, next_attempt_at = ?, detail = ?", [attempts, oc.ts(next_at), detail], row_id)

    async def mark_failed(self, row_id: int, now: datetime, detail: str) -> None:
        await self._mark("state = ?, detail = ?, attempts = attempts + 1", [FAILED, detail], row_id)

    async def _mark(self, assignments: str, args: list, row_id: int) -> None:
        await self._write(f"UPDATE outbox SET {assignments}, lease_until = NULL WHERE id = ?", [*args, row_id])

    async def _write(self, sql: str, args: list) -> list:
        return await self.write_statement(sql, args)

    async def outbox_rows(self, states: Sequence[str], limit: int) -> list[OutboxItem]:
        marks = ",".join("?" * len(states))
        rows = await self.conn.execute_fetchall(
            f"{_ITEM} WHERE o.state IN ({marks}) ORDER BY o.id DESC LIMIT ?", [*states, limit])
        return [oc.outbox_item(r) for r in rows]

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self.conn.execute_fetchall("SELECT state, count(*) FROM outbox GROUP BY state")
        return {state: n for state, n in rows}
