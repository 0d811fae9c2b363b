"""The outbox's reads and writes inside the results transaction (bot.announce.store.OutboxTx).

Bound to the store's one connection and taking no lock: valid only while the caller holds the
write transaction (WriteTx.outbox in a `store.write()` block, or SqliteStore.transaction()).
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import Any, Iterator, Sequence

from bot.announce.outbox import PENDING, SUPERSEDED, EarlierRow, Entry, NewRow, PollStart, RaceFacts, Version
from bot.announce.follows import Follower
from bot.announce.subscriptions import Subscription
from bot.domain.models import Competition, Race
from storage import convert as cv
from storage.outbox import convert as oc
from storage.follows import follow_changes, follows_version, last_follow_dues, live_followers, live_followers_by_id
from storage.reader import Reader
from storage.writer import Writer

_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[tuple[list[int], str]]:
    ids = list(ids)
    for i in range(0, len(ids), _CHUNK):
        part = ids[i:i + _CHUNK]
        yield part, ",".join("?" * len(part))


_FIRST_VERSIONS = """
INSERT INTO race_versions (race_id, revision, entries, changed_at)
SELECT res.race_id, 1, json_group_array(json_array(res.athlete_id, a.name, res.place, res.mark, res.status,
                                                   CASE WHEN res.note = 'DOP' THEN 'DOP' ELSE '' END)), ?1
FROM results res JOIN athletes a ON a.id = res.athlete_id
WHERE res.race_id BETWEEN ?2 AND ?3 {unseen}
GROUP BY res.race_id
"""
_UNSEEN = """
  AND NOT EXISTS (SELECT 1 FROM race_versions v WHERE v.race_id = res.race_id)
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.race_id = res.race_id)"""
# Races of a run that already have a version or an outbox row: the ones _FIRST_VERSIONS leaves.
_SEEN_BEFORE = """
SELECT race_id FROM race_versions WHERE race_id BETWEEN ?1 AND ?2
UNION SELECT race_id FROM outbox WHERE race_id BETWEEN ?1 AND ?2
"""


def _runs(ids: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted ids as (low, high) runs of consecutive ids: an import's new races are one run."""
    if not ids:
        return
    start = prev = ids[0]
    for i in ids[1:]:
        if i == prev + 1:
            prev = i
        else:
            yield start, prev
            start = prev = i
    yield start, prev


class OutboxTxView:
    def __init__(self, conn: Writer, reader: Reader | None = None) -> None:
        self.conn = conn
        # The store's query-only connection, for the follows version every poll reads: committed
        # state is what it asks for, and reading it here costs no hop to the writer's thread.
        self.reader = reader

    async def begin_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        rows = await self.conn.execute_fetchall("SELECT polls FROM poll_state WHERE source = ?", (source,))
        first = all(polls == 0 for (polls,) in rows)
        if not complete:  # an API outage must not use up the baseline: the backlog would flood later
            return PollStart(first, frozenset(
                i for (i,) in await self.conn.execute_fetchall(
                    "SELECT id FROM subscriptions WHERE active = 1 AND baseline_at IS NULL")))
        await self.conn.execute(
            "INSERT INTO poll_state (source, polls, last_poll_at) VALUES (?, 1, ?) ON CONFLICT (source) "
            "DO UPDATE SET polls = polls + 1, last_poll_at = excluded.last_poll_at", (source, oc.ts(now)))
        fresh = await self.conn.execute_fetchall(
            "UPDATE subscriptions SET baseline_at = ? WHERE active = 1 AND baseline_at IS NULL RETURNING id",
            (oc.ts(now),))
        return PollStart(first, frozenset(i for (i,) in fresh))

    async def race_facts(self, race_ids: Sequence[int]) -> list[RaceFacts]:
        out = []
        for part, marks in _chunks(race_ids):
            rows = await self.conn.execute_fetchall(
                f"SELECT {cv.RACE_COLS}, {cv.COMPETITION_COLS}, res.athlete_id, a.name, res.place, res.mark, "
                "res.status, res.note FROM races r JOIN competitions c ON c.id = r.competition_id "
                "JOIN results res ON res.race_id = r.id JOIN athletes a ON a.id = res.athlete_id "
                f"WHERE r.id IN ({marks}) ORDER BY r.id, res.athlete_id", part)
            grouped: dict[int, list[Any]] = defaultdict(list)
            heads: dict[int, tuple[Race, Competition]] = {}
            for row in rows:
                race = cv.race(row)
                heads.setdefault(race.id, (race, cv.competition(row, 9)))
                aid, name, place, mark, status, note = row[17:23]
                grouped[race.id].append(Entry(aid, name, place, mark, status, "DOP" if note == "DOP" else ""))
            out += [RaceFacts(heads[i][0], heads[i][1], tuple(v)) for i, v in grouped.items()]
        return out

    async def save_first_versions(self, race_ids: Sequence[int], now: datetime) -> set[int]:
        """Revision 1 of every race here with results but no version and no outbox row, computed
        in SQL (an import's 100,000 new races); returns their ids (a race without results counts
        as recorded: it has nothing to record, as for record_changes). The entries match race_facts:
        ordered by athlete id (the results key order, which the GROUP BY scan follows)."""
        saved: set[int] = set()
        for low, high in _runs(sorted(set(race_ids))):
            seen = {r for (r,) in await self.conn.execute_fetchall(_SEEN_BEFORE, (low, high))}
            # One statement, no row back; the checks per race only when some race here has a past.
            await self.conn.execute(_FIRST_VERSIONS.format(unseen=_UNSEEN if seen else ""), (oc.ts(now), low, high))
            saved.update(r for r in range(low, high + 1) if r not in seen)
        return saved

    async def versions(self, race_ids: Sequence[int]) -> dict[int, Version]:
        out = {}
        for part, marks in _chunks(race_ids):
            for race_id, revision, entries in await self.conn.execute_fetchall(
                    f"SELECT race_id, revision, entries FROM race_versions WHERE race_id IN ({marks})", part):
                out[race_id] = Version(revision, tuple(Entry(*e) for e in json.loads(entries)))
        return out

    async def save_versions(self, versions: dict[int, Version], now: datetime) -> None:
        await self.conn.executemany(
            "INSERT INTO race_versions (race_id, revision, entries, changed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (race_id) DO UPDATE SET revision = excluded.revision, entries = excluded.entries, "
            "changed_at = excluded.changed_at",
            [(rid, v.revision, json.dumps([e.as_list() for e in v.entries], ensure_ascii=False), oc.ts(now))
             for rid, v in versions.items()])

    async def follows_version(self) -> int:
        if self.reader is not None:
            try:
                return self.reader.follows_version()
            except sqlite3.OperationalError:  # refused (busy_timeout 0): ask the writer's thread
                pass
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
        rows = await self.conn.execute_fetchall(
            f"SELECT {oc.SUBSCRIPTION_COLS} FROM subscriptions s WHERE s.active = 1 ORDER BY s.id")
        return [oc.subscription(r) for r in rows]

    async def earlier_rows(self, race_ids: Sequence[int], now: datetime) -> dict[tuple[int, int], list[EarlierRow]]:
        out: dict[tuple[int, int], list[EarlierRow]] = defaultdict(list)
        for part, marks in _chunks(race_ids):
            for i, sub, race, rev, kind, note, state, lease in await self.conn.execute_fetchall(
                    "SELECT id, subscription_id, race_id, revision, kind, note, state, lease_until FROM outbox "
                    f"WHERE race_id IN ({marks}) AND state != ? ORDER BY revision", [*part, SUPERSEDED]):
                out[(sub, race)].append(EarlierRow(i, rev, kind, note, state, lease is not None and lease > oc.ts(now)))
        return out

    async def supersede(self, row_ids: Sequence[int]) -> None:
        for part, marks in _chunks(row_ids):
            await self.conn.execute(f"UPDATE outbox SET state = ? WHERE state = ? AND id IN ({marks})",
                                    [SUPERSEDED, PENDING, *part])

    async def add_rows(self, rows: Sequence[NewRow]) -> int:
        before = self.conn.total_changes
        await self.conn.executemany(
            "INSERT OR IGNORE INTO outbox (subscription_id, race_id, revision, kind, note, created_at, due_at, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.subscription_id, r.race_id, r.revision, r.kind, r.note, oc.ts(r.created_at), oc.ts(r.due_at),
              oc.ts(r.due_at)) for r in rows])
        return self.conn.total_changes - before
