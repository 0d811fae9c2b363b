"""Subscriptions in SQLite: created and ended by the core's commands, read by polls and delivery."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Sequence

from bot.announce.outbox import DROPPED, PENDING
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from storage.connected import Connected
from storage.follows import mark_gone
from storage.outbox import convert as oc
from storage.turns import USER_WAIT


class SubscriptionRows(Connected):
    async def add_subscription(self, sub: Subscription) -> Subscription:
        created = sub.created_at or datetime.now(timezone.utc)
        async with self.transaction(wait=USER_WAIT) as db:  # someone in a chat waits
            cur = await db.execute(
                "INSERT INTO subscriptions (platform, workspace, channel, filters, spoiler, delay_minutes, "
                "timezone, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sub.channel.platform, sub.channel.workspace, sub.channel.channel,
                 json.dumps(sub.filters.to_json()), sub.spoiler, sub.delay_minutes, sub.timezone,
                 oc.ts(created), sub.created_by))
            new_id = cur.lastrowid
        return (await self._subscriptions("s.id = ?", [new_id], include_inactive=True))[0]

    async def subscriptions(self, channel: ChannelRef | None = None, *,
                            include_inactive: bool = False) -> list[Subscription]:
        if channel is None:
            return await self._subscriptions("1", [], include_inactive=include_inactive)
        return await self._subscriptions("s.platform = ? AND s.workspace = ? AND s.channel = ?",
                                         [channel.platform, channel.workspace, channel.channel],
                                         include_inactive=include_inactive)

    async def _subscriptions(self, where: str, args: list[Any], *, include_inactive: bool) -> list[Subscription]:
        if not include_inactive:
            where += " AND s.active = 1"
        rows = await self.conn.execute_fetchall(
            f"SELECT {oc.SUBSCRIPTION_COLS} FROM subscriptions s WHERE {where} ORDER BY s.id", args)
        return [oc.subscription(r) for r in rows]

    async def end_subscriptions(self, channel: ChannelRef, ids: Sequence[int] | None, reason: str,
                                now: datetime) -> int:
        where = "platform = ? AND workspace = ? AND channel = ? AND active = 1"
        args: list[Any] = [channel.platform, channel.workspace, channel.channel]
        if ids is not None:
            where += f" AND id IN ({','.join('?' * len(ids))})"
            args += list(ids)
        async with self.transaction(wait=USER_WAIT) as db:  # someone in a chat waits
            ended = [i for (i,) in await db.execute_fetchall(f"SELECT id FROM subscriptions WHERE {where}", args)]
            if ended:
                marks = ",".join("?" * len(ended))
                await db.execute(f"UPDATE subscriptions SET active = 0, ended_at = ?, ended_reason = ? "
                                 f"WHERE id IN ({marks})", [oc.ts(now), reason, *ended])
                # Announcements still waiting for a channel that left will never be wanted.
                await db.execute(f"UPDATE outbox SET state = ?, detail = ? WHERE state = ? "
                                 f"AND subscription_id IN ({marks})", [DROPPED, reason, PENDING, *ended])
        return len(ended)

    async def disable_channel(self, channel: ChannelRef, reason: str, now: datetime) -> int:
        if channel.user_id:  # a closed DM: the user's follows go quiet, reported once in /following
            async with self.transaction() as db:
                await mark_gone(db, channel, reason, now)
        return await self.end_subscriptions(channel, None, reason, now)
