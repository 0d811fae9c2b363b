"""Subscriptions (SubscriptionStore) and the outbox's health for /status (OutboxStatus), in
PostgreSQL: what the core's commands need of the announcement side. The poll and delivery side
of the outbox (leases with SKIP LOCKED) comes with the write slice."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Sequence

import asyncpg

from bot.announce.outbox import DROPPED, EXPIRED, PENDING, OutboxHealth
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from storage.outbox import convert as oc
from storage.postgres.follows import mark_gone


class PostgresSubscriptions:
    pool: asyncpg.Pool

    async def add_subscription(self, sub: Subscription) -> Subscription:
        created = sub.created_at or datetime.now(timezone.utc)
        new_id = await self.pool.fetchval(
            "INSERT INTO subscriptions (platform, workspace, channel, filters, spoiler, delay_minutes, "
            "timezone, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            sub.channel.platform, sub.channel.workspace, sub.channel.channel,
            json.dumps(sub.filters.to_json()), sub.spoiler, sub.delay_minutes, sub.timezone,
            oc.ts(created), sub.created_by)
        return (await self._subscriptions("s.id = $1", [new_id], include_inactive=True))[0]

    async def subscriptions(self, channel: ChannelRef | None = None, *,
                            include_inactive: bool = False) -> list[Subscription]:
        if channel is None:
            return await self._subscriptions("true", [], include_inactive=include_inactive)
        return await self._subscriptions("s.platform = $1 AND s.workspace = $2 AND s.channel = $3",
                                         [channel.platform, channel.workspace, channel.channel],
                                         include_inactive=include_inactive)

    async def _subscriptions(self, where: str, args: list[Any], *, include_inactive: bool) -> list[Subscription]:
        if not include_inactive:
            where += " AND s.active = 1"
        rows = await self.pool.fetch(f"SELECT {oc.SUBSCRIPTION_COLS} FROM subscriptions s WHERE {where} "
                                     "ORDER BY s.id", *args)
        return [oc.subscription(tuple(r)) for r in rows]

    async def end_subscriptions(self, channel: ChannelRef, ids: Sequence[int] | None, reason: str,
                                now: datetime) -> int:
        where = "platform = $1 AND workspace = $2 AND channel = $3 AND active = 1"
        args: list[Any] = [channel.platform, channel.workspace, channel.channel]
        if ids is not None:
            where, args = where + " AND id = ANY($4::bigint[])", args + [list(ids)]
        async with self.pool.acquire() as conn, conn.transaction():
            ended = [i for (i,) in await conn.fetch(f"SELECT id FROM subscriptions WHERE {where} FOR UPDATE", *args)]
            if ended:
                await conn.execute("UPDATE subscriptions SET active = 0, ended_at = $1, ended_reason = $2 "
                                   "WHERE id = ANY($3::bigint[])", oc.ts(now), reason, ended)
                # Announcements still waiting for a channel that left will never be wanted.
                await conn.execute("UPDATE outbox SET state = $1, detail = $2 WHERE state = $3 "
                                   "AND subscription_id = ANY($4::bigint[])", DROPPED, reason, PENDING, ended)
        return len(ended)

    async def disable_channel(self, channel: ChannelRef, reason: str, now: datetime) -> int:
        if channel.user_id:  # a closed DM: the user's follows go quiet, reported once in /following
            async with self.pool.acquire() as conn:
                await mark_gone(conn, channel, reason, now)
        return await self.end_subscriptions(channel, None, reason, now)

    async def outbox_health(self) -> OutboxHealth:
        pending, retrying, oldest, expired = await self.pool.fetchrow(
            "SELECT count(*) FILTER (WHERE state = $1), count(*) FILTER (WHERE state = $1 AND attempts > 0), "
            "min(due_at) FILTER (WHERE state = $1), count(*) FILTER (WHERE state = $2) FROM outbox",
            PENDING, EXPIRED)
        last = await self.pool.fetchval(
            "SELECT detail FROM outbox WHERE state = $1 AND attempts > 0 ORDER BY next_attempt_at DESC LIMIT 1",
            PENDING)
        return OutboxHealth(pending, retrying, oc.when(oldest), last or "", expired)
