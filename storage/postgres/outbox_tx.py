"""The outbox's reads and writes inside the results transaction, in PostgreSQL
(bot.announce.store.OutboxTx; storage.outbox.tx in SQLite).

Bound to the unit of work's one connection and taking no lock: valid only while its write
transaction is open (WriteTx.outbox), so a poll's results and its announcements commit together.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any, Sequence

import asyncpg

from bot.announce.outbox import PENDING, SUPERSEDED, EarlierRow, Entry, NewRow, PollStart, RaceFacts, Version
from bot.announce.follows import Follower
from bot.announce.subscriptions import Subscription
from storage.postgres.follows import (follow_changes, follows_version, last_follow_dues, live_followers,
                                      live_followers_by_id)
from bot.domain.models import Competition, Race
from storage import convert as cv
from storage.outbox import convert as oc
from storage.outbox.tx import _runs
from storage.postgres.writes import touched

# Revision 1 of each race of a run of ids, its entries as race_facts gives them (athlete id order).
_FIRST_VERSIONS = """
INSERT INTO race_versions (race_id, revision, entries, changed_at)
SELECT res.race_id, 1, json_agg(json_build_array(res.athlete_id, a.name, res.place, res.mark, res.status,
                                                 CASE WHEN res.note = 'DOP' THEN 'DOP' ELSE '' END)
                                ORDER BY res.athlete_id)::text, $1
FROM results res JOIN athletes a ON a.id = res.athlete_id
WHERE res.race_id BETWEEN $2 AND $3 {unseen}
GROUP BY res.race_id
"""
_UNSEEN = """
  AND NOT EXISTS (SELECT 1 FROM race_versions v WHERE v.race_id = res.race_id)
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.race_id = res.race_id)"""
_SEEN_BEFORE = """
SELECT race_id FROM race_versions WHERE race_id BETWEEN $1 AND $2
UNION SELECT race_id FROM outbox WHERE race_id BETWEEN $1 AND $2
"""
_ADD_ROWS = """
INSERT INTO outbox (subscription_id, race_id, revision, kind, note, created_at, due_at, next_attempt_at)
SELECT s, r, v, k, n, c, d, d FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::text[],
                                          $6::text[], $7::text[]) AS u(s, r, v, k, n, c, d)
ON CONFLICT DO NOTHING
"""


class PostgresOutboxTx:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def begin_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        polls = await self.conn.fetch("SELECT polls FROM poll_state WHERE source = $1", source)
        first = all(p["polls"] == 0 for p in polls)
        if not complete:  # an API outage must not use up the baseline: the backlog would flood later
            return PollStart(first, frozenset(
                i for (i,) in await self.conn.fetch(
                    "SELECT id FROM subscriptions WHERE active = 1 AND baseline_at IS NULL")))
        await self.conn.execute(
            "INSERT INTO poll_state AS p (source, polls, last_poll_at) VALUES ($1, 1, $2) ON CONFLICT (source) "
            "DO UPDATE SET polls = p.polls + 1, last_poll_at = excluded.last_poll_at", source, oc.ts(now))
        fresh = await self.conn.fetch(
            "UPDATE subscriptions SET baseline_at = $1 WHERE active = 1 AND baseline_at IS NULL RETURNING id",
            oc.ts(now))
        return PollStart(first, frozenset(i for (i,) in fresh))

    async def race_facts(self, race_ids: Sequence[int]) -> list[RaceFacts]:
        rows = await self.conn.fetch(
            f"SELECT {cv.RACE_COLS}, {cv.COMPETITION_COLS}, res.athlete_id, a.name, res.place, res.mark, "
            "res.status, res.note FROM races r JOIN competitions c ON c.id = r.competition_id "
            "JOIN results res ON res.race_id = r.id JOIN athletes a ON a.id = res.athlete_id "
            "WHERE r.id = ANY($1::bigint[]) ORDER BY r.id, res.athlete_id", list(race_ids))
        grouped: dict[int, list[Any]] = defaultdict(list)
        heads: dict[int, tuple[Race, Competition]] = {}
        for row in rows:
            race = cv.race(row)
            heads.setdefault(race.id, (race, cv.competition(row, 9)))
            aid, name, place, mark, status, note = row[17:23]
            grouped[race.id].append(Entry(aid, name, place, mark, status, "DOP" if note == "DOP" else ""))
        return [RaceFacts(heads[i][0], heads[i][1], tuple(v)) for i, v in grouped.items()]

    async def save_first_versions(self, race_ids: Sequence[int], now: datetime) -> set[int]:
        """storage.outbox.tx's: one statement per run of ids, the checks per race only when needed."""
        saved: set[int] = set()
        for low, high in _runs(sorted(set(race_ids))):
            seen = {r for (r,) in await self.conn.fetch(_SEEN_BEFORE, low, high)}
            await self.conn.execute(_FIRST_VERSIONS.format(unseen=_UNSEEN if seen else ""), oc.ts(now), low, high)
            saved.update(r for r in range(low, high + 1) if r not in seen)
        return saved

    async def versions(self, race_ids: Sequence[int]) -> dict[int, Version]:
        return {race_id: Version(revision, tuple(Entry(*e) for e in json.loads(entries)))
                for race_id, revision, entries in await self.conn.fetch(
                    "SELECT race_id, revision, entries FROM race_versions WHERE race_id = ANY($1::bigint[])",
                    list(race_ids))}

    async def save_versions(self, versions: dict[int, Version], now: datetime) -> None:
        await self.conn.executemany(
            "INSERT INTO race_versions (race_id, revision, entries, changed_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (race_id) DO UPDATE SET revision = excluded.revision, entries = excluded.entries, "
            "changed_at = excluded.changed_at",
            [(rid, v.revision, json.dumps([e.as_list() for e in v.entries], ensure_ascii=False), oc.ts(now))
             for rid, v in versions.items()])

    async def follows_version(self) -> int:
        return await follows_version(self.conn)

    async def live_followers(self) -> list[Follower]:
        return await live_followers(self.conn)

    async def follow_changes(self, since: int) -> tuple[int, list[int]]:
        return await follow_changes(self.conn, since)

    async def live_followers_by_id(self, ids: Sequence[int]) -> list[Follower]:
        return await live_followers_by_id(self.conn, ids)

    async def last_follow_dues(self) -> dict[int, datetime]:
        return await last_follow_dues(self.conn)

    async def active_subscriptions(self) -> list[Subscription]:
        rows = await self.conn.fetch(
            f"SELECT {oc.SUBSCRIPTION_COLS} FROM subscriptions s WHERE s.active = 1 ORDER BY s.id")
        return [oc.subscription(r) for r in rows]

    async def earlier_rows(self, race_ids: Sequence[int], now: datetime) -> dict[tuple[int, int], list[EarlierRow]]:
        out: dict[tuple[int, int], list[EarlierRow]] = defaultdict(list)
        for i, sub, race, rev, kind, note, state, lease in await self.conn.fetch(
                "SELECT id, subscription_id, race_id, revision, kind, note, state, lease_until FROM outbox "
                "WHERE race_id = ANY($1::bigint[]) AND state != $2 ORDER BY revision, id", list(race_ids), SUPERSEDED):
            out[(sub, race)].append(EarlierRow(i, rev, kind, note, state, lease is not None and lease > oc.ts(now)))
        return out

    async def supersede(self, row_ids: Sequence[int]) -> None:
        await self.conn.execute("UPDATE outbox SET state = $1 WHERE state = $2 AND id = ANY($3::bigint[])",
                                SUPERSEDED, PENDING, list(row_ids))

    async def add_rows(self, rows: Sequence[NewRow]) -> int:
        if not rows:
            return 0
        return touched(await self.conn.execute(
            _ADD_ROWS, [r.subscription_id for r in rows], [r.race_id for r in rows], [r.revision for r in rows],
            [r.kind for r in rows], [r.note for r in rows], [oc.ts(r.created_at) for r in rows],
            [oc.ts(r.due_at) for r in rows]))
