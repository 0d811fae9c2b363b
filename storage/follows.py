"""Follows in SQLite (bot.announce.store.FollowStore), and the reads a poll makes of them."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any, Sequence

from bot.announce.follows import Follow, Follower
from bot.announce.outbox import DROPPED, FOLLOW, PENDING
from bot.announce.publishing import ChannelRef
from bot.announce.store import TooManyFollows
from storage.connected import Connected
from storage.reader import query_only
from storage.outbox import convert as oc
from storage.turns import USER_WAIT
from storage.writer import Writer

FOLLOW_COLS = ("f.id, f.subscription_id, f.platform, f.workspace, f.user_id, f.athlete_id, f.rival_id, f.event, "
               "f.alert_on, f.spoilers, f.created_at, f.gone_at, f.gone_detail, f.gone_reported")
FORGOTTEN = "forgotten"


def follow(row: Sequence[Any]) -> Follow:
    (i, sub, platform, workspace, user, athlete, rival, event, when, spoilers, created, gone, detail,
     reported) = row
    return Follow(ChannelRef(platform, workspace, f"user:{user}"), athlete, rival, event, when, spoilers, i, sub,
                  oc.when(created), oc.when(gone), detail, bool(reported))


# Every write to follows logs the follows it changed, in the same transaction: pollers' maps
# (bot.announce.follows.FollowerMap) read only those again.
VERSION = "SELECT coalesce(max(seq), 0) FROM follow_changes"
LIVE = ("SELECT id, subscription_id, athlete_id, rival_id, event, spoilers FROM follows "
        "WHERE gone_at IS NULL AND alert_on != 'start'")


async def log_changes(db: Writer, ids: Sequence[int]) -> None:
    await db.executemany("INSERT INTO follow_changes (follow_id) VALUES (?)", [(i,) for i in ids])
LAST_DUES = "SELECT subscription_id, max(due_at) FROM outbox WHERE kind = 'follow' GROUP BY subscription_id"


async def follows_version(db: Writer) -> int:
    return int((await db.execute_fetchall(VERSION))[0][0])


async def follow_changes(db: Writer, since: int) -> tuple[int, list[int]]:
    rows = await db.execute_fetchall("SELECT seq, follow_id FROM follow_changes WHERE seq > ? ORDER BY seq", (since,))
    return (rows[-1][0] if rows else since), list(dict.fromkeys(i for _, i in rows))


async def live_followers_by_id(db: Writer, ids: Sequence[int]) -> list[Follower]:
    found: list[Follower] = []
    for i in range(0, len(ids), 500):
        part = list(ids[i:i + 500])
        found += map(Follower._make, await db.execute_fetchall(
            f"{LIVE} AND id IN ({','.join('?' * len(part))})", part))
    return found


async def live_followers(db: Writer) -> list[Follower]:
    return list(map(Follower._make, await db.execute_fetchall(LIVE)))


async def last_follow_dues(db: Writer) -> dict[int, datetime]:
    return {sub: oc.at(due) for sub, due in await db.execute_fetchall(LAST_DUES)}


def snapshot(path: str) -> tuple[int, list[Follower], dict[int, datetime]]:
    """follower_snapshot on a connection of its own (query-only, on a worker thread): one read
    transaction, so the version and the rows agree."""
    conn = query_only(path)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")  # off the loop: it may wait for a checkpoint
        conn.execute("BEGIN")
        version = int(conn.execute(VERSION).fetchone()[0])
        followers = list(map(Follower._make, conn.execute(LIVE)))
        dues = {sub: oc.at(due) for sub, due in conn.execute(LAST_DUES)}
        conn.execute("COMMIT")
        return version, followers, dues
    finally:
        conn.close()


class FollowRows(Connected):
    async def add_follow(self, new: Follow, limit: int) -> tuple[Follow, bool]:
        u = new.user
        async with self.transaction(wait=USER_WAIT) as db:  # someone in a chat waits
            same = await db.execute_fetchall(
                f"SELECT {FOLLOW_COLS} FROM follows f WHERE f.platform = ? AND f.workspace = ? AND f.user_id = ? "
                "AND f.athlete_id = ? AND f.rival_id = ? AND f.event = ?",
                (u.platform, u.workspace, u.user_id, new.athlete_id, new.rival_id, new.event))
            if same and follow(same[0]).gone_at is None:
                old = follow(same[0])
                if (old.when, old.spoilers) != (new.when, new.spoilers):  # the newer settings win
                    await db.execute("UPDATE follows SET alert_on = ?, spoilers = ? WHERE id = ?",
                                     (new.when, new.spoilers, old.id))
                    await log_changes(db, [old.id])
                    return (await self._follows("f.id = ?", [old.id]))[0], False
                return old, False
            if same:  # it had gone quiet (DM closed): asked again, it starts afresh
                await db.execute("DELETE FROM follows WHERE id = ?", (same[0][0],))
                await log_changes(db, [same[0][0]])
            (count,) = (await db.execute_fetchall(
                "SELECT count(*) FROM follows WHERE platform = ? AND workspace = ? AND user_id = ?",
                (u.platform, u.workspace, u.user_id)))[0]
            if count >= limit:
                raise TooManyFollows(count)
            sub = await self._dm_target(db, u, new.created_at or datetime.now(timezone.utc))
            cur = await db.execute(
                "INSERT INTO follows (subscription_id, platform, workspace, user_id, athlete_id, rival_id, event, "
                "alert_on, spoilers, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sub, u.platform, u.workspace, u.user_id, new.athlete_id, new.rival_id, new.event, new.when,
                 new.spoilers, oc.ts(new.created_at or datetime.now(timezone.utc))))
            new_id = cur.lastrowid
            await log_changes(db, [int(new_id or 0)])
        return (await self._follows("f.id = ?", [new_id]))[0], True

    async def _dm_target(self, db: Writer, u: ChannelRef, now: datetime) -> int:
        """The user's direct-message subscription, made (or made again after a closed DM) as needed."""
        found = await db.execute_fetchall(
            "SELECT id FROM subscriptions WHERE platform = ? AND workspace = ? AND channel = ? AND active = 1",
            (u.platform, u.workspace, u.channel))
        if found:
            return int(found[0][0])
        cur = await db.execute(
            "INSERT INTO subscriptions (platform, workspace, channel, created_at, created_by, baseline_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (u.platform, u.workspace, u.channel, oc.ts(now), u.user_id, oc.ts(now)))
        return int(cur.lastrowid or 0)

    async def follows(self, user: ChannelRef) -> list[Follow]:
        return await self._follows("f.platform = ? AND f.workspace = ? AND f.user_id = ?",
                                   [user.platform, user.workspace, user.user_id])

    async def _follows(self, where: str, args: list[Any]) -> list[Follow]:
        rows = await self.conn.execute_fetchall(f"SELECT {FOLLOW_COLS} FROM follows f WHERE {where} ORDER BY f.id",
                                                args)
        return [follow(r) for r in rows]

    async def end_follows(self, user: ChannelRef, ids: Sequence[int] | None) -> int:
        where = "platform = ? AND workspace = ? AND user_id = ?"
        args: list[Any] = [user.platform, user.workspace, user.user_id]
        if ids is not None:
            where += f" AND id IN ({','.join('?' * len(ids))})"
            args += list(ids)
        async with self.transaction(wait=USER_WAIT) as db:
            ended = [i for (i,) in await db.execute_fetchall(f"SELECT id FROM follows WHERE {where}", args)]
            if ended:
                await db.execute(f"DELETE FROM follows WHERE id IN ({','.join('?' * len(ended))})", ended)
                await log_changes(db, ended)
                if ids is None:  # nothing left to alert: what waits for this user will never be wanted
                    await _drop_waiting(db, user, "unfollowed")
        return len(ended)

    async def forget_user(self, user: ChannelRef, now: datetime) -> int:
        async with self.transaction(wait=USER_WAIT) as db:
            gone = [i for (i,) in await db.execute_fetchall(
                "DELETE FROM follows WHERE platform = ? AND workspace = ? AND user_id = ? RETURNING id",
                (user.platform, user.workspace, user.user_id))]
            await log_changes(db, gone)
            await _drop_waiting(db, user, FORGOTTEN)
            # The DM targets stay as rows (delivered alerts point at them) without the user's id.
            await db.execute(
                "UPDATE subscriptions SET channel = 'user:' || ?, created_by = '', active = 0, ended_at = ?, "
                "ended_reason = ? WHERE platform = ? AND workspace = ? AND channel = ?",
                (FORGOTTEN, oc.ts(now), FORGOTTEN, user.platform, user.workspace, user.channel))
        return len(gone)

    async def follower_snapshot(self) -> tuple[int, list[Follower], dict[int, datetime]]:
        return await asyncio.to_thread(snapshot, str(self.path))

    async def gone_reported(self, ids: Sequence[int]) -> None:
        if ids:
            await self.write_statement(
                f"UPDATE follows SET gone_reported = 1 WHERE id IN ({','.join('?' * len(ids))})", list(ids))


async def _drop_waiting(db: Writer, user: ChannelRef, reason: str) -> None:
    await db.execute("UPDATE outbox SET state = ?, detail = ? WHERE state = ? AND subscription_id IN "
                     "(SELECT id FROM subscriptions WHERE platform = ? AND workspace = ? AND channel = ?)",
                     (DROPPED, reason, PENDING, user.platform, user.workspace, user.channel))


async def mark_gone(db: Writer, user: ChannelRef, detail: str, now: datetime) -> None:
    """The platform will not take this user's DMs: their follows go quiet until asked again."""
    gone = await db.execute_fetchall(
        "UPDATE follows SET gone_at = ?, gone_detail = ? WHERE platform = ? AND workspace = ? "
        "AND user_id = ? AND gone_at IS NULL RETURNING id", (oc.ts(now), detail, user.platform, user.workspace,
                                                             user.user_id))
    await log_changes(db, [i for (i,) in gone])
