"""Follows on both backends: stored per user and platform, at most the limit, found per athlete
inside the poll's transaction, gone when the DM is closed, deleted when the user asks."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backends import any_store, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from bot.announce.follows import Follow, FollowerMap
from bot.announce.publishing import ChannelRef
from bot.announce.store import TooManyFollows

T0 = datetime(2024, 6, 7, 19, 0, tzinfo=timezone.utc)
ANN = ChannelRef.for_user("slack", "T1", "U1")
BOB = ChannelRef.for_user("slack", "T1", "U2")


async def test_follows_are_per_user_limited_and_idempotent(any_store):
    s = any_store
    first, added = await s.add_follow(Follow(ANN, 7, created_at=T0), 3)
    assert added and first.id and first.subscription_id and first.user == ANN
    same, added = await s.add_follow(Follow(ANN, 7, created_at=T0), 3)
    assert not added and same.id == first.id
    changed, added = await s.add_follow(Follow(ANN, 7, spoilers="on", created_at=T0), 3)
    assert not added and changed.spoilers == "on" and changed.id == first.id
    await s.add_follow(Follow(ANN, 8, 9, "1500", created_at=T0), 3)
    await s.add_follow(Follow(ANN, 10, created_at=T0), 3)
    with pytest.raises(TooManyFollows):
        await s.add_follow(Follow(ANN, 11, created_at=T0), 3)
    assert [f.athlete_id for f in await s.follows(ANN)] == [7, 8, 10]
    bob, _ = await s.add_follow(Follow(BOB, 11, created_at=T0), 3)  # another user's own limit
    assert bob.subscription_id != first.subscription_id
    assert len({f.subscription_id for f in await s.follows(ANN)}) == 1  # one DM target a user


async def test_the_poll_transaction_reads_live_followers_and_a_version_that_moves(any_store):
    s = any_store
    a, _ = await s.add_follow(Follow(ANN, 7, created_at=T0), 50)
    b, _ = await s.add_follow(Follow(BOB, 8, 7, created_at=T0), 50)
    await s.add_follow(Follow(BOB, 99, created_at=T0), 50)
    await s.add_follow(Follow(BOB, 7, when="start", created_at=T0), 50)  # start lists: no source has them yet
    async with s.write() as tx:
        version = await tx.outbox.follows_version()
        found = await tx.outbox.live_followers()
        assert await tx.outbox.last_follow_dues() == {}  # no alert yet
    assert sorted((f.subscription_id, f.athlete_id, f.rival_id) for f in found) == [
        (a.subscription_id, 7, 0), (b.subscription_id, 8, 7), (b.subscription_id, 99, 0)]
    assert await s.follower_snapshot() == (version, found, {})  # the same, read outside any write
    # A poller's map, loaded now, then brought up to date with only what changed since.
    followers = FollowerMap()
    followers.load(version, found, {})
    assert await s.end_follows(BOB, [b.id]) == 1
    c, _ = await s.add_follow(Follow(ANN, 8, created_at=T0), 50)
    async with s.write() as tx:
        now, changed = await tx.outbox.follow_changes(version)
        followers.apply(now, changed, await tx.outbox.live_followers_by_id(changed))
        assert now == await tx.outbox.follows_version() > version
    assert sorted(changed) == sorted([b.id, c.id])
    assert {a_: [f.id for f in fs] for a_, fs in followers.index.items()} == {7: [a.id], 8: [c.id], 99: [found[2].id]}


async def test_a_closed_dm_silences_the_users_follows_until_followed_again(any_store):
    s = any_store
    await s.add_follow(Follow(ANN, 7, created_at=T0), 50)
    await s.disable_channel(ANN, "channel gone: 403 50007", T0)
    [gone] = await s.follows(ANN)
    assert gone.gone_at == T0 and gone.gone_detail == "channel gone: 403 50007" and not gone.gone_reported
    async with s.write() as tx:
        assert await tx.outbox.live_followers() == []
    await s.gone_reported([gone.id])
    assert (await s.follows(ANN))[0].gone_reported
    again, added = await s.add_follow(Follow(ANN, 7, created_at=T0 + timedelta(days=1)), 50)
    assert added and again.gone_at is None and again.subscription_id != gone.subscription_id


async def test_unfollow_all_and_forget_delete_the_users_rows_only(any_store):
    s = any_store
    for athlete in (7, 8):
        await s.add_follow(Follow(ANN, athlete, created_at=T0), 50)
    await s.add_follow(Follow(BOB, 7, created_at=T0), 50)
    assert await s.end_follows(ANN, [999]) == 0
    assert await s.end_follows(ANN, None) == 2 and await s.follows(ANN) == []
    await s.add_follow(Follow(ANN, 7, created_at=T0), 50)
    assert await s.forget_user(ANN, T0) == 1
    assert await s.follows(ANN) == []
    subs = await s.subscriptions(include_inactive=True)
    assert not any(x.channel == ANN for x in subs)  # the user's id is gone from the DM target
    assert [f.athlete_id for f in await s.follows(BOB)] == [7]
