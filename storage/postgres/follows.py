"""Follows in PostgreSQL (bot.announce.store.FollowStore), and the reads a poll makes of them."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Sequence

import asyncpg

from bot.announce.follows import Follow, Follower
from bot.announce.outbox import DROPPED, FOLLOW, PENDING
from bot.announce.publishing import ChannelRef
from bot.announce.store import TooManyFollows
from storage.follows import FOLLOW_COLS, FORGOTTEN, LAST_DUES, LIVE, VERSION, follow
from storage.outbox import convert as oc

_USER = "platform = $1 AND workspace = $2 AND user_id = $3"


async def log_changes(conn: asyncpg.Connection, ids: Sequence[int]) -> None:
    """Every write to follows logs the follows it changed: pollers' maps read only those again."""
    if ids:
        await conn.execute("INSERT INTO follow_changes (follow_id) SELECT unnest($1::bigint[])", list(ids))


async def follows_version(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(VERSION))


async def follow_changes(conn: asyncpg.Connection, since: int) -> tuple[int, list[int]]:
    rows = await conn.fetch("SELECT seq, follow_id FROM follow_changes WHERE seq > $1 ORDER BY seq", since)
    return (rows[-1][0] if rows else since), list(dict.fromkeys(r[1] for r in rows))


async def live_followers_by_id(conn: asyncpg.Connection, ids: Sequence[int]) -> list[Follower]:
    return [Follower._make(r) for r in await conn.fetch(f"{LIVE} AND id = ANY($1::bigint[])", list(ids))]


async def live_followers(conn: asyncpg.Connection) -> list[Follower]:
    return [Follower._make(r) for r in await conn.fetch(LIVE)]


async def last_follow_dues(conn: asyncpg.Connection) -> dict[int, datetime]:
    return {sub: oc.at(due) for sub, due in await conn.fetch(LAST_DUES)}


async def mark_gone(conn: asyncpg.Connection, user: ChannelRef, detail: str, now: datetime) -> None:
    gone = await conn.fetch(f"UPDATE follows SET gone_at = $4, gone_detail = $5 WHERE {_USER} AND gone_at IS NULL "
                            "RETURNING id", user.platform, user.workspace, user.user_id, oc.ts(now), detail)
    await log_changes(conn, [r[0] for r in gone])


async def _drop_waiting(conn: asyncpg.Connection, user: ChannelRef, reason: str) -> None:
    await conn.execute("UPDATE outbox SET state = $1, detail = $2 WHERE state = $3 AND subscription_id IN "
                       "(SELECT id FROM subscriptions WHERE platform = $4 AND workspace = $5 AND channel = $6)",
                       DROPPED, reason, PENDING, user.platform, user.workspace, user.channel)


class PostgresFollows:
    pool: asyncpg.Pool

    async def add_follow(self, new: Follow, limit: int) -> tuple[Follow, bool]:
        u = new.user
        now = new.created_at or datetime.now(timezone.utc)
        async with self.pool.acquire() as conn, conn.transaction():
            # One user's follows are counted and added one at a time, across processes too.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"follows:{u}")
            same = await conn.fetchrow(
                f"SELECT {FOLLOW_COLS} FROM follows f WHERE f.platform = $1 AND f.workspace = $2 AND f.user_id = $3 "
                "AND f.athlete_id = $4 AND f.rival_id = $5 AND f.event = $6",
                u.platform, u.workspace, u.user_id, new.athlete_id, new.rival_id, new.event)
            if same is not None and same["gone_at"] is None:
                old = follow(tuple(same))
                if (old.when, old.spoilers) == (new.when, new.spoilers):
                    return old, False
                await conn.execute("UPDATE follows SET alert_on = $1, spoilers = $2 WHERE id = $3",
                                   new.when, new.spoilers, old.id)
                await log_changes(conn, [old.id])
                changed = True
                new_id = old.id
            else:
                if same is not None:  # it had gone quiet (DM closed): asked again, it starts afresh
                    await conn.execute("DELETE FROM follows WHERE id = $1", same["id"])
                    await log_changes(conn, [same["id"]])
                count = await conn.fetchval(f"SELECT count(*) FROM follows WHERE {_USER}",
                                            u.platform, u.workspace, u.user_id)
                if count >= limit:
                    raise TooManyFollows(count)
                sub = await conn.fetchval(
                    "SELECT id FROM subscriptions WHERE platform = $1 AND workspace = $2 AND channel = $3 "
                    "AND active = 1 ORDER BY id LIMIT 1", u.platform, u.workspace, u.channel)
                if sub is None:
                    sub = await conn.fetchval(
                        "INSERT INTO subscriptions (platform, workspace, channel, created_at, created_by, baseline_at) "
                        "VALUES ($1, $2, $3, $4, $5, $4) RETURNING id", u.platform, u.workspace, u.channel,
                        oc.ts(now), u.user_id)
                new_id = await conn.fetchval(
                    "INSERT INTO follows (subscription_id, platform, workspace, user_id, athlete_id, rival_id, event, "
                    "alert_on, spoilers, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    sub, u.platform, u.workspace, u.user_id, new.athlete_id, new.rival_id, new.event, new.when,
                    new.spoilers, oc.ts(now))
                await log_changes(conn, [new_id])
                changed = False
        stored = (await self._follows("f.id = $1", [new_id]))[0]
        return stored, not changed

    async def follows(self, user: ChannelRef) -> list[Follow]:
        return await self._follows("f.platform = $1 AND f.workspace = $2 AND f.user_id = $3",
                                   [user.platform, user.workspace, user.user_id])

    async def _follows(self, where: str, args: list[Any]) -> list[Follow]:
        rows = await self.pool.fetch(f"SELECT {FOLLOW_COLS} FROM follows f WHERE {where} ORDER BY f.id", *args)
        return [follow(tuple(r)) for r in rows]

    async def end_follows(self, user: ChannelRef, ids: Sequence[int] | None) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            if ids is None:
                ended = await conn.fetch(f"DELETE FROM follows WHERE {_USER} RETURNING id",
                                         user.platform, user.workspace, user.user_id)
                if ended:
                    await _drop_waiting(conn, user, "unfollowed")
            else:
                ended = await conn.fetch(f"DELETE FROM follows WHERE {_USER} AND id = ANY($4::bigint[]) RETURNING id",
                                         user.platform, user.workspace, user.user_id, list(ids))
            await log_changes(conn, [r[0] for r in ended])
        return len(ended)

    async def forget_user(self, user: ChannelRef, now: datetime) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            gone = await conn.fetch(f"DELETE FROM follows WHERE {_USER} RETURNING id",
                                    user.platform, user.workspace, user.user_id)
            await log_changes(conn, [r[0] for r in gone])
            await _drop_waiting(conn, user, FORGOTTEN)
            await conn.execute(
                "UPDATE subscriptions SET channel = 'user:' || $1, created_by = '', active = 0, ended_at = $2, "
                "ended_reason = $1 WHERE platform = $3 AND workspace = $4 AND channel = $5",
                FORGOTTEN, oc.ts(now), user.platform, user.workspace, user.channel)
        return len(gone)

    async def follower_snapshot(self) -> tuple[int, list[Follower], dict[int, datetime]]:
        async with self.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            return await follows_version(conn), await live_followers(conn), await last_follow_dues(conn)

    async def gone_reported(self, ids: Sequence[int]) -> None:
        if ids:
            await self.pool.execute("UPDATE follows SET gone_reported = 1 WHERE id = ANY($1::bigint[])", list(ids))
