"""Delivery's writes to the outbox: one statement each, committed at once, never swept into (or out
with) another task's transaction; several marks in one write; concurrent writes folded together.
Marks and claims on both backends (tests/backends.py)."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

import pytest

from bot.announce.coalesce import Coalescer
from bot.announce.outbox import Delivered
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from backends import any_store, fetch_rows, pg_schema, pg_server, store_target, table_rows  # noqa: F401 (fixtures)
from sched_fakes import MEN_1500, ListSource, race_rows


async def fan_out(store, clock, channels: int) -> list[int]:
    for i in range(channels):
        await store.add_subscription(Subscription(ChannelRef("slack", "T1", f"C{i}"), created_at=clock()))
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())  # baseline
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    return [i for (i,) in await fetch_rows(store, "SELECT id FROM outbox ORDER BY id")]


def other_connection(store) -> list[tuple]:
    """What another process reading the file sees: only committed rows."""
    with sqlite3.connect(store.path) as db:
        return db.execute("SELECT id, state, message_id, delivered_at, attempts, lease_until "
                          "FROM outbox ORDER BY id").fetchall()


async def test_several_rows_marked_delivered_in_one_write_each_with_its_own_message(any_store, clock):
    store = any_store
    ids = await fan_out(store, clock, 3)
    now = clock()
    claims = await store.claim_rows(ids, now, now + timedelta(seconds=60))
    assert set(claims) == set(ids)
    assert await store.mark_delivered([Delivered(ids[0], now, "ts1", "", claims[ids[0]].token),
                                       Delivered(ids[2], now + timedelta(seconds=1), "ts3", "already posted",
                                                 claims[ids[2]].token)]) == {ids[0], ids[2]}
    # committed: no transaction is left open on our connection (table_rows reads on another one)
    seen = sorted(await table_rows(store, "outbox", "id, state, message_id, delivered_at, attempts, lease_until"))
    lease = (now + timedelta(seconds=60)).isoformat(timespec="microseconds")
    assert [(r[1], r[2], r[4], r[5]) for r in seen] == [
        ("delivered", "ts1", 1, None), ("pending", "", 0, lease), ("delivered", "ts3", 1, None)]
    assert seen[2][3] > seen[0][3]  # each row keeps its own delivery time


async def test_a_claim_takes_only_free_rows_and_a_lapsed_lease_frees_them(any_store, clock):
    store = any_store
    ids = await fan_out(store, clock, 2)
    now = clock()
    assert set(await store.claim_rows(ids[:1], now, now + timedelta(seconds=60))) == {ids[0]}
    assert set(await store.claim_rows(ids, now, now + timedelta(seconds=60))) == {ids[1]}
    later = now + timedelta(seconds=61)
    again = await store.claim_rows(ids, later, later + timedelta(seconds=60))
    assert set(again) == set(ids)
    # Neither holder released its row: whatever they did is unknown, and the new claims say so.
    assert [(c.token, c.in_doubt) for c in again.values()] == [(2, True), (2, True)]


async def test_a_delivery_write_waits_for_an_open_transaction_and_outlives_its_rollback(store, clock):
    ids = await fan_out(store, clock, 1)
    opened, release = asyncio.Event(), asyncio.Event()

    async def failing_import():
        with pytest.raises(RuntimeError):
            async with store.transaction() as db:
                await db.execute("UPDATE subscriptions SET timezone = 'Europe/Oslo'")
                opened.set()
                await release.wait()
                raise RuntimeError("the import fails and rolls back")

    importing = asyncio.create_task(failing_import())
    await opened.wait()
    marking = asyncio.create_task(store.mark_delivered([Delivered(ids[0], clock(), "ts1", "")]))
    await asyncio.sleep(0.05)
    assert not marking.done()  # it waits for the writer: run now, it would have joined that transaction
    release.set()
    await asyncio.gather(importing, marking)
    assert [r[1:3] for r in other_connection(store)] == [("delivered", "ts1")]
    [(tz,)] = await store.conn.execute_fetchall("SELECT timezone FROM subscriptions")
    assert tz == "UTC"  # the import's own change did roll back


async def test_concurrent_calls_share_one_write_and_a_lone_call_writes_at_once():
    batches: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> int:
        batches.append(items)
        if len(batches) == 1:
            await gate.wait()  # the first write is slow: calls made meanwhile pile up
        return len(batches)

    fold = Coalescer(write)
    first = asyncio.create_task(fold(1))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(fold(i)) for i in (2, 3, 4)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(first, *rest) == [1, 2, 2, 2]
    assert batches == [[1], [2, 3, 4]]
    assert await fold(5) == 3 and batches[-1] == [5]


async def test_a_failed_write_fails_every_call_in_its_batch():
    async def write(items: list[int]) -> None:
        await asyncio.sleep(0)
        raise sqlite3.OperationalError("database is locked")

    fold = Coalescer(write)
    results = await asyncio.gather(fold(1), fold(2), return_exceptions=True)
    assert [type(r) for r in results] == [sqlite3.OperationalError] * 2
