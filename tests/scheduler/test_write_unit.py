"""One unit of work (`async with store.write() as tx`): results, outbox rows, fetch marks and the
change feed's entries commit together at the end of the block, or none of them when it raises.
On both backends (tests/backends.py)."""
from __future__ import annotations

import pytest

from backends import any_store, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from backends import counts as table_counts
from bot.announce.diff import record_poll_changes
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from bot.ingest.importer import plan_rows
from bot.sources.state import DayMark
from sched_fakes import MEN_1500, ListSource, race_rows

A = ChannelRef("discord", "1", "100")
MARK = DayMark(7153968, 1, {900101: "digest"}, settled=True)


@pytest.fixture
def store(any_store):
    return any_store


async def counts(store) -> dict[str, int]:
    """What another process would see: read on a connection of its own."""
    return await table_counts(store, "results", "outbox", "wa_fetch", "wa_days", "changes")


async def unit_of_work(store, clock, *, fail: bool) -> int:
    """A poll's steps in one block (after a baseline poll, so the race is news): the rows, the
    outbox diff, the fetch marks; then, if `fail`, an error. Returns the outbox rows the diff added."""
    await store.add_subscription(Subscription(A, created_at=clock()))
    assert (await Poller(ListSource(), store).poll_once(clock())).baseline
    planned = await plan_rows(store, race_rows("1500m", "M", MEN_1500), "test poll")
    async with store.write() as tx:
        await planned.write(tx)
        diff = await record_poll_changes(tx, "test", clock(), True)
        await tx.mark_fetched([MARK])
        if fail:
            raise RuntimeError("the process died here")
    return diff.rows_added


async def test_a_block_that_raises_after_the_writes_leaves_nothing(store, clock):
    head = await store.change_head()
    with pytest.raises(RuntimeError, match="died here"):
        await unit_of_work(store, clock, fail=True)
    assert await counts(store) == {"results": 0, "outbox": 0, "wa_fetch": 0, "wa_days": 0, "changes": 0}
    assert await store.change_head() == head and await store.changes_since(head, 10) == []
    assert await store.digests(MARK.competition_id, MARK.day) == {}
    assert not await store.is_settled(MARK.competition_id, MARK.day)


async def test_the_same_block_ending_well_commits_every_step(store, clock):
    added = await unit_of_work(store, clock, fail=False)
    got = await counts(store)
    assert added == 1 and got["outbox"] == 1
    assert got["results"] == len(MEN_1500) and got["wa_fetch"] == 1 and got["wa_days"] == 1
    assert got["changes"] == 1 + len(MEN_1500)  # the race, and each athlete it added
    assert await store.is_settled(MARK.competition_id, MARK.day)


async def test_a_bulk_block_that_raises_leaves_nothing_and_its_foreign_keys_on_again(store, clock):
    planned = await plan_rows(store, race_rows("1500m", "M", MEN_1500), "test")
    with pytest.raises(RuntimeError, match="died here"):
        async with store.write(bulk=True) as tx:
            w = await tx.bulk()
            ids = await w.add(planned.plan)
            r = planned.plan.results[0]
            await w.add_results([ids[r.race]], [ids[r.athlete]], [(r.mark, r.value, r.status)],
                                [(r.place, r.wind, r.flags, r.note, r.source)])
            await tx.mark_fetched([MARK])
            raise RuntimeError("the process died here")
    assert await counts(store) == {"results": 0, "outbox": 0, "wa_fetch": 0, "wa_days": 0, "changes": 0}
    if hasattr(store, "conn"):  # SQLite switches its foreign keys off for a bulk write
        (fk,) = await (await store.conn.execute("PRAGMA foreign_keys")).fetchone()
        assert fk == 1
    with pytest.raises(RuntimeError, match="bulk"):  # apply would write unchecked with the keys off
        async with store.write(bulk=True) as tx:
            await tx.apply(planned.plan)
    assert (await counts(store))["results"] == 0
