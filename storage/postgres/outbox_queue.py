"""The outbox's delivery side in PostgreSQL (bot.announce.store.OutboxStore, as storage.outbox.queue
does it in SQLite): due rows, claims, leases renewed and released, marks fenced by each claim's
token, expiry, and what /status and `racebot outbox` read.

Each call is one statement, committed at once. A claim locks the rows it takes with FOR UPDATE
SKIP LOCKED: two delivering processes never wait on each other's rows, and a row another one is
claiming at that moment is simply not taken this time.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

import asyncpg

from bot.announce.outbox import DELIVERED, EXPIRED, FAILED, PENDING, Claim, Delivered, OutboxHealth, OutboxItem
from bot.announce.shards import SNOWFLAKE_SHIFT, Shards
from bot.announce.slices import Slice
from storage.outbox import convert as oc
from storage.outbox.prune import PRUNE

_ITEM = (f"SELECT {oc.SUBSCRIPTION_COLS}, {oc.OUTBOX_COLS} FROM outbox o "
         "JOIN subscriptions s ON s.id = o.subscription_id")
# A channel's rows go out in order: delivery looks at the first few of each channel only. With
# shards ($5 the platform), only channels whose guild is on one of them (bot.announce.shards.shard_of,
# in numeric so a snowflake never overflows). With a slice ($9 of count), only channels whose
# bot.announce.slices.channel_hash (md5's first 32 bits) falls in it, or rows due before $12.
_DUE = """
WITH ranked AS (
    SELECT o.id AS oid, row_number() OVER (PARTITION BY s.platform, s.workspace, s.channel
                                           ORDER BY o.due_at, o.id) AS n
    FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id
    WHERE o.state = 'pending' AND o.due_at <= $1 AND s.active = 1 AND ($2::text[] IS NULL OR s.platform = ANY($2))
      AND ($5::text IS NULL OR s.platform <> $5 OR mod(div(CASE WHEN s.workspace ~ '^[0-9]+$'
          THEN s.workspace::numeric ELSE 0 END, $6::numeric), $7::numeric)::int = ANY($8::int[]))
      AND ($9::int IS NULL OR s.platform = $11::text OR mod(('x' || lpad(substr(md5(s.workspace || ':' || s.channel),
          1, 8), 16, '0'))::bit(64)::bigint, $9::int) = $10::int OR o.due_at < $12))
""" + _ITEM + """ JOIN ranked ON ranked.oid = o.id WHERE (ranked.n <= $3 OR s.channel LIKE 'user:%') ORDER BY o.due_at, o.id LIMIT $4
"""
# The lease as the row had it: one still set means its holder neither marked nor released it (it
# died, or stalled past the lease), so it may have posted: in doubt.
_CLAIM = """
WITH free AS (SELECT id, lease_until AS held FROM outbox
              WHERE id = ANY($1::bigint[]) AND state = $2 AND (lease_until IS NULL OR lease_until <= $3)
              ORDER BY id FOR UPDATE SKIP LOCKED)
UPDATE outbox SET lease_until = $4, token = token + 1,
    in_doubt = CASE WHEN in_doubt = 1 OR free.held IS NOT NULL THEN 1 ELSE 0 END,
    first_attempt_at = coalesce(first_attempt_at, $5)
FROM free WHERE outbox.id = free.id
RETURNING outbox.id, outbox.token, outbox.in_doubt, outbox.first_attempt_at
"""
_HELD = "unnest($1::bigint[], $2::integer[]) AS h(id, token)"


class PostgresOutboxQueue:
    pool: asyncpg.Pool

    async def due_rows(self, now: datetime, per_channel: int, limit: int,
                       platforms: Sequence[str] | None = None, *, shards: Shards | None = None,
                       slice: Slice | None = None, stale_before: datetime | None = None) -> list[OutboxItem]:
        owned = ((shards.platform, 2 ** SNOWFLAKE_SHIFT, shards.count, list(shards.ids)) if shards is not None
                 else (None, 1, 1, []))
        sliced = ((slice.count, slice.index, slice.exempt, oc.ts(stale_before) if stale_before else "")
                  if slice is not None else (None, 0, None, ""))
        rows = await self.pool.fetch(_DUE, oc.ts(now), None if platforms is None else list(platforms),
                                     per_channel, limit, *owned, *sliced)
        return [oc.outbox_item(r) for r in rows]

    async def claim_rows(self, ids: Sequence[int], now: datetime, until: datetime, *,
                         lapsed_by: datetime | None = None) -> dict[int, Claim]:
        rows = await self.pool.fetch(_CLAIM, list(ids), PENDING, oc.ts(lapsed_by or now), oc.ts(until), oc.ts(now))
        return {i: Claim(token, bool(doubt), oc.when(first)) for i, token, doubt, first in rows}

    async def renew_leases(self, held: Sequence[tuple[int, int]], until: datetime) -> None:
        # Only leases still set: a row just marked or released stays free.
        await self.pool.execute(
            f"UPDATE outbox SET lease_until = $3 FROM {_HELD} WHERE outbox.id = h.id AND outbox.token = h.token "
            "AND outbox.state = $4 AND outbox.lease_until IS NOT NULL", *_pairs(held), oc.ts(until), PENDING)

    async def release_rows(self, held: Sequence[tuple[int, int]]) -> None:
        await self.pool.execute(
            f"UPDATE outbox SET lease_until = NULL FROM {_HELD} WHERE outbox.id = h.id AND outbox.token = h.token "
            "AND outbox.state = $3", *_pairs(held), PENDING)

    async def mark_delivered(self, rows: Sequence[Delivered]) -> set[int]:
        # One statement for the batch; a row whose token moved on (another sender holds it) is left.
        done = await self.pool.fetch(
            "UPDATE outbox SET state = $6, delivered_at = d.at, message_id = d.message_id, detail = d.detail, "
            "attempts = attempts + 1, lease_until = NULL "
            "FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[]) "
            "AS d(id, token, at, message_id, detail) "
            "WHERE outbox.id = d.id AND outbox.token = d.token AND outbox.state = $7 RETURNING outbox.id",
            [r.row_id for r in rows], [r.token for r in rows], [oc.ts(r.at) for r in rows],
            [r.message_id for r in rows], [r.detail for r in rows], DELIVERED, PENDING)
        return {i for (i,) in done}

    async def mark_retry(self, row_id: int, token: int, attempts: int, next_at: datetime, detail: str, *,
                         in_doubt: bool = False) -> bool:
        return await self._mark("attempts = $4, next_attempt_at = $5, detail = $6, "
                                "in_doubt = CASE WHEN $7 THEN 1 ELSE in_doubt END",
                                [attempts, oc.ts(next_at), detail, in_doubt], row_id, token)

    async def mark_failed(self, row_id: int, token: int, now: datetime, detail: str) -> bool:
        return await self._mark("state = $4, detail = $5, attempts = attempts + 1", [FAILED, detail], row_id, token)

    async def _mark(self, assignments: str, args: list[Any], row_id: int, token: int) -> bool:
        rows = await self.pool.fetch(f"UPDATE outbox SET {assignments}, lease_until = NULL "
                                     "WHERE id = $1 AND token = $2 AND state = $3 RETURNING id",
                                     row_id, token, PENDING, *args)
        return bool(rows)

    async def expire_rows(self, due_before: datetime, now: datetime) -> int:
        """Pending rows due before `due_before`, and held by no sender, are past their use: expired."""
        rows = await self.pool.fetch(
            "UPDATE outbox SET state = $1, lease_until = NULL, "
            "detail = 'expired unsent' || CASE WHEN detail = '' THEN '' ELSE ': ' || detail END "
            "WHERE state = $2 AND due_at < $3 AND (lease_until IS NULL OR lease_until <= $4) RETURNING id",
            EXPIRED, PENDING, oc.ts(due_before), oc.ts(now))
        return len(rows)

    async def prune_outbox(self, finished_before: datetime) -> int:
        status = await self.pool.execute(PRUNE.format(cutoff="$1"), oc.ts(finished_before))
        return int(status.split()[-1])  # "DELETE n"

    async def outbox_rows(self, states: Sequence[str], limit: int) -> list[OutboxItem]:
        rows = await self.pool.fetch(f"{_ITEM} WHERE o.state = ANY($1::text[]) ORDER BY o.id DESC LIMIT $2",
                                     list(states), limit)
        return [oc.outbox_item(r) for r in rows]

    async def outbox_counts(self) -> dict[str, int]:
        return {state: n for state, n in await self.pool.fetch("SELECT state, count(*) FROM outbox GROUP BY state")}


def _pairs(held: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    return [i for i, _ in held], [t for _, t in held]
