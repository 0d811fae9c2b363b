"""The store's roles for announcements: the outbox inside a write (`OutboxTx`), subscriptions,
and the delivery queue (`OutboxStore`); storage/ implements them with bot.store's roles."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol, Sequence

from bot.announce.outbox import (Claim, Delivered, EarlierRow, NewRow, OutboxHealth, OutboxItem, PollStart, RaceFacts,
                        Version)
from bot.announce.publishing import ChannelRef
from bot.announce.shards import Shards
from bot.announce.slices import Slice
from bot.announce.subscriptions import Subscription
from bot.announce.follows import Follow, Follower


class TooManyFollows(Exception):
    """The user already has MAX_FOLLOWS: nothing was added."""


class FollowStore(Protocol):
    async def add_follow(self, new: Follow, limit: int) -> tuple[Follow, bool]:
        """Store `new` (its user's DM target made or reopened as needed), or return the same
        follow already stored (False). Raises TooManyFollows when the user has `limit` already."""
        ...
    async def follows(self, user: ChannelRef) -> list[Follow]: ...
    async def end_follows(self, user: ChannelRef, ids: Sequence[int] | None) -> int:
        """Delete these follows (all when None); alerts not yet sent for them are dropped."""
        ...
    async def forget_user(self, user: ChannelRef, now: datetime) -> int:
        """Delete every follow and the user's id from the DM target; returns the follows deleted."""
        ...
    async def gone_reported(self, ids: Sequence[int]) -> None: ...
    async def follower_snapshot(self) -> tuple[int, list[Follower], dict[int, datetime]]:
        """(follows version, live followers, each user's last alert due), as committed, read in one
        snapshot outside any write: a poller loads its map here, not while holding the write lock."""
        ...


class FollowTx(Protocol):
    """Inside the poll's write (`WriteTx.outbox`): what the poller's FollowerMap is loaded from."""

    async def follows_version(self) -> int:
        """The last entry of the follows' change log (every change, in any process)."""
        ...
    async def live_followers(self) -> list[Follower]:
        """Every follow that can fire now (not gone, not start lists only)."""
        ...
    async def follow_changes(self, since: int) -> tuple[int, list[int]]:
        """(the version now, the follows changed after `since`)."""
        ...
    async def live_followers_by_id(self, ids: Sequence[int]) -> list[Follower]:
        """Those of these follows that can fire now."""
        ...
    async def last_follow_dues(self) -> dict[int, datetime]:
        """Each user's (DM target's) latest follow alert due time."""
        ...


class OutboxTx(FollowTx, Protocol):
    """Reads and writes that run inside the transaction storing polled results (`WriteTx.outbox`).

    Only valid while that unit of work is open: they take no lock.
    """

    async def begin_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        """Count the poll; only a complete poll (no source errors) ends baselines."""
        ...
    async def race_facts(self, race_ids: Sequence[int]) -> list[RaceFacts]: ...
    async def save_first_versions(self, race_ids: Sequence[int], now: datetime) -> set[int]:
        """Record revision 1 of each race with results, no version and no outbox row, in bulk (what
        record_changes does for them when new races are not news); returns the ids taken care of,
        which may include races without results (there is nothing to record for those)."""
        ...
    async def versions(self, race_ids: Sequence[int]) -> dict[int, Version]: ...
    async def save_versions(self, versions: dict[int, Version], now: datetime) -> None: ...
    async def active_subscriptions(self) -> list[Subscription]: ...
    async def earlier_rows(self, race_ids: Sequence[int], now: datetime) -> dict[tuple[int, int], list[EarlierRow]]: ...
    async def supersede(self, row_ids: Sequence[int]) -> None: ...
    async def add_rows(self, rows: Sequence[NewRow]) -> int: ...


class SubscriptionStore(Protocol):
    async def add_subscription(self, sub: Subscription) -> Subscription: ...
    async def subscriptions(self, channel: ChannelRef | None = None, *,
                            include_inactive: bool = False) -> list[Subscription]: ...
    async def end_subscriptions(self, channel: ChannelRef, ids: Sequence[int] | None, reason: str,
                                now: datetime) -> int: ...
    async def disable_channel(self, channel: ChannelRef, reason: str, now: datetime) -> int:
        """Deactivate every subscription of a channel that is gone; returns how many were active."""
        ...


class OutboxStatus(Protocol):
    async def outbox_health(self) -> OutboxHealth:
        """Announcements waiting, retrying and expired, for /status."""
        ...


class OutboxPruning(Protocol):
    async def prune_outbox(self, finished_before: datetime) -> int:
        """Delete rows that finished (delivered, or given up) before `finished_before`: never a
        pending row, nor the newest delivered row of a race for an active subscription (a later
        correction is told as one). Returns how many rows were deleted."""
        ...


class OutboxStore(SubscriptionStore, OutboxStatus, OutboxPruning, Protocol):
    async def follower_snapshot(self) -> tuple[int, list[Follower], dict[int, datetime]]:
        """FollowStore.follower_snapshot: what a poller loads its map of followers from."""
        ...

    async def record_poll(self, source: str, now: datetime, complete: bool) -> PollStart:
        """A poll that stored nothing still counts: it is the baseline of new subscriptions."""
        ...
    async def lease_source(self, source: str, holder: str, now: datetime, until: datetime) -> bool: ...
    async def release_source(self, source: str, holder: str) -> None: ...

    # delivery
    async def due_rows(self, now: datetime, per_channel: int, limit: int,
                       platforms: Sequence[str] | None = None, *, shards: Shards | None = None,
                       slice: Slice | None = None, stale_before: datetime | None = None) -> list[OutboxItem]:
        """Pending rows due by `now` of active subscriptions (on `platforms`, when given), oldest
        first, at most `per_channel` of each channel; leased ones included (they hold their channel).
        With `shards`, that platform's rows only of channels those shards own (bot.announce.shards).
        With `slice`, only rows of channels in it (bot.announce.slices), except on its exempt
        platform, and any row due before `stale_before` (a dead process's slice, taken over)."""
        ...
    async def claim_rows(self, ids: Sequence[int], now: datetime, until: datetime, *,
                         lapsed_by: datetime | None = None) -> dict[int, Claim]:
        """Lease the free ones until `until`, each with a new token: pending, and unleased or with a
        lease that ended by `lapsed_by` (default `now`)."""
        ...
    async def renew_leases(self, held: Sequence[tuple[int, int]], until: datetime) -> None:
        """Extend the leases of (id, token) pairs still held with that token and not yet marked."""
        ...
    async def release_rows(self, held: Sequence[tuple[int, int]]) -> None:
        """Give back claimed (id, token) rows not sent after all (a rate limit came first)."""
        ...
    async def mark_delivered(self, rows: Sequence[Delivered]) -> set[int]:
        """Several rows at once, in one statement for up to 500 (the Deliverer folds concurrent marks
        together); only rows whose token still holds them. Returns the ids marked."""
        ...
    async def mark_retry(self, row_id: int, token: int, attempts: int, next_at: datetime, detail: str, *,
                         in_doubt: bool = False) -> bool:
        """Pending again from `next_at`; `in_doubt`: this attempt may have posted. False: not ours any more."""
        ...
    async def mark_failed(self, row_id: int, token: int, now: datetime, detail: str) -> bool: ...
    async def expire_rows(self, due_before: datetime, now: datetime) -> int:
        """Mark pending rows due before `due_before` and held by nobody expired; returns how many."""
        ...
    async def outbox_rows(self, states: Sequence[str], limit: int) -> list[OutboxItem]: ...
    async def outbox_counts(self) -> dict[str, int]: ...
