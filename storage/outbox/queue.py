"""The outbox in SQLite: polls' bookkeeping and what delivery reads and marks (bot.announce.store)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from bot.announce.outbox import DELIVERED, EXPIRED, FAILED, PENDING, Claim, Delivered, OutboxHealth, OutboxItem, PollStart
from bot.announce.shards import SNOWFLAKE_SHIFT, Shards
from bot.announce.slices import SQL_FUNCTION, Slice
from storage.connected import Connected
from storage.outbox import convert as oc
from storage.outbox.prune import PRUNE
from storage.outbox.tx import OutboxTxView

_ITEM = (f"SELECT {oc.SUBSCRIPTION_COLS}, {oc.OUTBOX_COLS} FROM outbox o "
         "JOIN subscriptions s ON s.id = o.subscription_id")
# Rows of a channel go out in order, so delivery looks at the first few of each channel only:
# one busy channel cannot hide the rest behind a LIMIT. A user's direct messages are the exception:
# their due alerts go out together, as one digest (bot.announce.delivery).
_DUE = """
WITH ranked AS (
    SELECT o.id AS oid, row_number() OVER (PARTITION BY s.platform, s.workspace, s.channel
                                           ORDER BY o.due_at, o.id) AS n
    FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
    WHERE o.state = 'pending' AND o.due_at <= ? AND s.active = 1 {platforms} {shards} {slice})
""" + _ITEM + """ JOIN ranked ON ranked.oid = o.id WHERE (ranked.n <= ? OR s.channel LIKE 'user:%') ORDER BY o.due_at, o.id LIMIT ?
"""
_CHUNK = 500  # rows a statement at most: well inside SQLite's 32,766 bound parameters


def _chunks(rows: Sequence[Any]) -> list[Sequence[Any]]:
    rows = list(rows)
    return [rows[i:i + _CHUNK] for i in range(0, len(rows), _CHUNK)]


class OutboxRows(Connected):
    async def record_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        async with self.transaction() as db:
            return await OutboxTxView(db).begin_poll(source, now, complete)

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
                       platforms: Sequence[str] | None = None, *, shards: Shards | None = None,
                       slice: Slice | None = None, stale_before: datetime | None = None) -> list[OutboxItem]:
        where = f"AND s.platform IN ({','.join('?' * len(platforms))})" if platforms is not None else ""
        owned, args = "", []
        if shards is not None:  # bot.announce.shards.shard_of in SQL: a workspace not all digits is shard 0
            owned = (f"AND (s.platform <> ? OR (CASE WHEN s.workspace GLOB '[0-9]*' AND s.workspace NOT GLOB "
                     f"'*[^0-9]*' THEN CAST(s.workspace AS INTEGER) ELSE 0 END >> {SNOWFLAKE_SHIFT}) % ? "
                     f"IN ({','.join('?' * len(shards.ids))}))")
            args = [shards.platform, shards.count, *shards.ids]
        sliced = ""
        if slice is not None:  # bot.announce.slices.slice_of, registered on each connection (storage.sql_functions)
            sliced = (f"AND (s.platform IS ? OR {SQL_FUNCTION}(s.workspace, s.channel) % ? = ? "
                      "OR o.due_at < ?)")
            args += [slice.exempt, slice.count, slice.index, oc.ts(stale_before) if stale_before else ""]
        rows = await self.conn.execute_fetchall(_DUE.format(platforms=where, shards=owned, slice=sliced),
                                                (oc.ts(now), *(platforms or ()), *args, per_channel, limit))
        return [oc.outbox_item(r) for r in rows]

    async def claim_rows(self, ids: Sequence[int], now: datetime, until: datetime, *,
                         lapsed_by: datetime | None = None) -> dict[int, Claim]:
        # SET reads the row as it was: a lease still set means its holder neither marked nor
        # released it (it died, or stalled past the lease), so it may have posted: in doubt.
        claimed: dict[int, Claim] = {}
        for part in _chunks(ids):
            rows = await self._write(
                f"UPDATE outbox SET lease_until = ?, token = token + 1, in_doubt = in_doubt OR lease_until IS NOT NULL, "
                "first_attempt_at = coalesce(first_attempt_at, ?) "
                f"WHERE id IN ({','.join('?' * len(part))}) AND state = ? "
                "AND (lease_until IS NULL OR lease_until <= ?) RETURNING id, token, in_doubt, first_attempt_at",
                [oc.ts(until), oc.ts(now), *part, PENDING, oc.ts(lapsed_by or now)])
            claimed.update((i, Claim(token, bool(doubt), oc.when(first))) for i, token, doubt, first in rows)
        return claimed

    async def renew_leases(self, held: Sequence[tuple[int, int]], until: datetime) -> None:
        # Only leases still set: a row just marked or released (lease cleared) stays free, even
        # when this write was queued behind its mark.
        for part in _chunks(held):
            await self._write(
                f"WITH h(id, token) AS (VALUES {','.join(['(?, ?)'] * len(part))}) "
                "UPDATE outbox SET lease_until = ? FROM h WHERE outbox.id = h.id AND outbox.token = h.token "
                "AND outbox.state = ? AND outbox.lease_until IS NOT NULL",
                [*(v for pair in part for v in pair), oc.ts(until), PENDING])

    async def release_rows(self, held: Sequence[tuple[int, int]]) -> None:
        for part in _chunks(held):
            await self._write(
                f"WITH h(id, token) AS (VALUES {','.join(['(?, ?)'] * len(part))}) "
                "UPDATE outbox SET lease_until = NULL FROM h WHERE outbox.id = h.id AND outbox.token = h.token "
                "AND outbox.state = ?", [*(v for pair in part for v in pair), PENDING])

    async def mark_delivered(self, rows: Sequence[Delivered]) -> set[int]:
        marked: set[int] = set()
        for part in _chunks(rows):
            # One statement for the batch: (id, token, delivered_at, message_id, detail) as a VALUES
            # table; a row whose token moved on (another sender holds it now) is left to that sender.
            done = await self._write(
                f"WITH d(id, token, at, message_id, detail) AS (VALUES {','.join(['(?, ?, ?, ?, ?)'] * len(part))}) "
                "UPDATE outbox SET state = ?, delivered_at = d.at, message_id = d.message_id, detail = d.detail, "
                "attempts = attempts + 1, lease_until = NULL FROM d WHERE outbox.id = d.id AND outbox.token = d.token "
                "AND outbox.state = ? RETURNING outbox.id",
                [*(v for r in part for v in (r.row_id, r.token, oc.ts(r.at), r.message_id, r.detail)), DELIVERED,
                 PENDING])
            marked.update(i for (i,) in done)
        return marked

    async def mark_retry(self, row_id: int, token: int, attempts: int, next_at: datetime, detail: str, *,
                         in_doubt: bool = False) -> bool:
        return await self._mark("attempts = ?, next_attempt_at = ?, detail = ?, in_doubt = in_doubt OR ?",
                                [attempts, oc.ts(next_at), detail, in_doubt], row_id, token)

    async def mark_failed(self, row_id: int, token: int, now: datetime, detail: str) -> bool:
        return await self._mark("state = ?, detail = ?, attempts = attempts + 1", [FAILED, detail], row_id, token)

    async def _mark(self, assignments: str, args: list[Any], row_id: int, token: int) -> bool:
        rows = await self._write(f"UPDATE outbox SET {assignments}, lease_until = NULL "
                                 "WHERE id = ? AND token = ? AND state = ? RETURNING id",
                                 [*args, row_id, token, PENDING])
        return bool(rows)

    async def expire_rows(self, due_before: datetime, now: datetime) -> int:
        """Pending rows due before `due_before`, and held by no sender, are past their use: expired."""
        rows = await self._write(
            "UPDATE outbox SET state = ?, lease_until = NULL, "
            "detail = 'expired unsent' || CASE WHEN detail = '' THEN '' ELSE ': ' || detail END "
            "WHERE state = ? AND due_at < ? AND (lease_until IS NULL OR lease_until <= ?) RETURNING id",
            [EXPIRED, PENDING, oc.ts(due_before), oc.ts(now)])
        return len(rows)

    async def prune_outbox(self, finished_before: datetime) -> int:
        return len(await self._write(PRUNE.format(cutoff="?") + " RETURNING id", [oc.ts(finished_before)]))

    async def outbox_health(self) -> OutboxHealth:
        [(pending, retrying, oldest, expired)] = await self.conn.execute_fetchall(
            "SELECT count(*) FILTER (WHERE state = ?), count(*) FILTER (WHERE state = ? AND attempts > 0), "
            "min(due_at) FILTER (WHERE state = ?), count(*) FILTER (WHERE state = ?) FROM outbox",
            [PENDING, PENDING, PENDING, EXPIRED])
        last = [detail for (detail,) in await self.conn.execute_fetchall(
            "SELECT detail FROM outbox WHERE state = ? AND attempts > 0 ORDER BY next_attempt_at DESC LIMIT 1",
            [PENDING])]
        return OutboxHealth(pending, retrying, oc.when(oldest), last[0] if last else "", expired)

    async def _write(self, sql: str, args: list[Any]) -> list[Any]:
        return await self.write_statement(sql, args)

    async def outbox_rows(self, states: Sequence[str], limit: int) -> list[OutboxItem]:
        marks = ",".join("?" * len(states))
        rows = await self.conn.execute_fetchall(
            f"{_ITEM} WHERE o.state IN ({marks}) ORDER BY o.id DESC LIMIT ?", [*states, limit])
        return [oc.outbox_item(r) for r in rows]

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self.conn.execute_fetchall("SELECT state, count(*) FROM outbox GROUP BY state")
        return {state: n for state, n in rows}
