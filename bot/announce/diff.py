"""Which races became final or changed in a poll, and the outbox rows that follows from it.

Runs in the unit of work that stored the poll's results (`async with store.write() as tx`), so
results and announcements commit together or not at all. A race's `Version` is what was last seen of it;
a different set of entries is a new revision. Rows: one per matching subscription per revision,
unique on (subscription, race, revision), so running the same poll twice adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.announce.corrections import what_changed
from bot.announce.follows import AlertNote, Follower, FollowerMap, digest_due, matching
from bot.announce.outbox import (CORRECTION, DELIVERED, FOLLOW, PENDING, RESULT, EarlierRow, NewRow, PollStart,
                                 RaceFacts, Version)
from bot.announce.store import OutboxTx
from bot.announce.subscriptions import Subscription
from bot.store import WriteTx


DIGEST_WINDOW = timedelta(minutes=10)  # a user's alerts within it come as one message


@dataclass(frozen=True)
class DiffReport:
    races_changed: int
    rows_added: int
    baseline: bool  # the source's first poll: recorded, announced nothing


async def record_changes(tx: OutboxTx, race_ids: list[int], now: datetime, start: PollStart, *,
                         announce_new: bool = True, digest: timedelta = DIGEST_WINDOW,
                         followers: FollowerMap | None = None) -> DiffReport:
    """`start` is this poll's tx.begin_poll(...), taken in the same transaction.
    `announce_new=False` (a backfill, a file import): new races are recorded, not announced;
    changes to races a channel was shown still go out as corrections."""
    first: set[int] = set()
    if not announce_new:
        # Never seen and never announced: remembering them is all there is to do, and the store
        # does it in bulk (a file import's races would otherwise be loaded here one by one).
        first = await tx.save_first_versions(race_ids, now)
        race_ids = [r for r in race_ids if r not in first]
    facts = [f for f in await tx.race_facts(race_ids) if f.entries]
    known = await tx.versions([f.race.id for f in facts])
    changed: list[tuple[RaceFacts, Version | None, Version]] = []
    for f in facts:
        old = known.get(f.race.id)
        if old is None or old.entries != f.entries:
            changed.append((f, old, Version((old.revision if old else 0) + 1, f.entries)))
    if not changed:
        return DiffReport(len(first), 0, start.first_for_source)
    await tx.save_versions({f.race.id: new for f, _, new in changed}, now)
    if start.first_for_source:
        return DiffReport(len(first) + len(changed), 0, True)
    # A user's direct-message target is fed by their follows, never by channel filters.
    subs = [s for s in await tx.active_subscriptions()
            if s.id not in start.baseline_subscriptions and not s.channel.user_id]
    earlier = await tx.earlier_rows([f.race.id for f, _, _ in changed], now)
    rows: list[NewRow] = []
    stale: list[int] = []
    for f, old, new in changed:
        for sub in subs:
            if not sub.filters.matches(f.race, f.competition, f.athlete_ids):
                continue
            row = _row_for(sub, f, old, new, earlier.get((sub.id, f.race.id), []), now, stale, announce_new)
            if row:
                rows.append(row)
    if announce_new:  # a race's first results: the news a follower asked for (not corrections)
        rows += await follow_rows(tx, [(f, new) for f, old, new in changed if old is None], now, digest, followers)
    await tx.supersede(stale)
    return DiffReport(len(first) + len(changed), await tx.add_rows(rows), False)


def _row_for(sub: Subscription, f: RaceFacts, old: Version | None, new: Version, earlier: list[EarlierRow],
             now: datetime, stale: list[int], announce_new: bool) -> NewRow | None:
    """The row this subscription gets for the new revision, or None.

    Nothing announced yet and still waiting: the waiting row is replaced by one for the new
    revision (announce the current result once, not result-then-correction). Announced (or being
    sent right now): a correction saying what changed. The race was final before this
    subscription saw it: nothing, it never saw the original.
    """
    due = now + timedelta(minutes=sub.delay_minutes)
    shown = [e for e in earlier if e.state == DELIVERED or (e.state == PENDING and e.leased)]
    waiting = [e for e in earlier if e.state == PENDING and not e.leased]
    stale += [e.id for e in waiting]
    change = what_changed(old.entries, new.entries) if old else ""
    if shown:
        notes = [e.note for e in waiting if e.kind == CORRECTION and e.note] + [change]
        return NewRow(sub.id, f.race.id, new.revision, CORRECTION, " ".join(n for n in notes if n), now, due)
    if earlier or (old is None and announce_new):
        return NewRow(sub.id, f.race.id, new.revision, RESULT, "", now, due)
    return None


async def follow_rows(tx: OutboxTx, fresh: list[tuple[RaceFacts, Version]], now: datetime,
                      digest: timedelta, followers: FollowerMap | None = None) -> list[NewRow]:
    """One row per user per race their follows fire, to their direct messages. Followers come from
    `followers`, the poller's in-memory map, checked against the store's follows version (one
    read a poll; the follows changed since are read again); without one, a map is loaded for
    this poll."""
    if not fresh:
        return []
    followers = followers or FollowerMap()
    version = await tx.follows_version()
    if followers.version is None:
        followers.load(version, await tx.live_followers(), await tx.last_follow_dues())
    elif version != followers.version:
        version, changed = await tx.follow_changes(followers.version)
        followers.apply(version, changed, await tx.live_followers_by_id(changed))
    hits: dict[tuple[int, int], tuple[int, list[Follower]]] = {}
    for f, new in fresh:
        for follow in matching(followers.index, f.race.event, f.athlete_ids):
            hits.setdefault((follow.subscription_id, f.race.id), (new.revision, []))[1].append(follow)
    # One due time per user for the whole poll: its races go out together.
    due = {sub: digest_due(followers.last_due.get(sub), now, digest) for sub, _ in hits}
    followers.last_due.update(due)
    return [NewRow(sub, race, revision, FOLLOW, AlertNote.text_of(follows), now, due[sub])
            for (sub, race), (revision, follows) in hits.items()]


async def record_poll_changes(tx: WriteTx, source: str, now: datetime, complete: bool, *,
                              digest: timedelta = DIGEST_WINDOW, followers: FollowerMap | None = None) -> DiffReport:
    """A poll's news: the races `tx` wrote, counted as this poll of `source` (`complete`: no
    source errors, so it may end baselines)."""
    start = await tx.outbox.begin_poll(source, now, complete)
    return await record_changes(tx.outbox, tx.races(), now, start, digest=digest, followers=followers)


async def record_corrections(tx: WriteTx, now: datetime) -> DiffReport:
    """For imports that are not news (`racebot sync`, `racebot import`): remember each race `tx`
    wrote as stored, so a later poll compares with it instead of announcing it as new, and tell
    channels about changes to races they were shown."""
    return await record_changes(tx.outbox, tx.races(), now, PollStart(False, frozenset()), announce_new=False)
