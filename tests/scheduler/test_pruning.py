"""Pruning the outbox (bot.announce.pruning) on both backends: finished rows older than the
setting go, pending rows never do, and the newest delivered row of a race stays for an active
subscription, so a correction months later is still told as a correction."""
from __future__ import annotations

from datetime import timedelta

from bot.announce.outbox import CORRECTION, RESULT, Delivered
from bot.announce.poller import Poller
from bot.announce.pruning import Pruner
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from backends import any_store, fetch_rows, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from sched_fakes import MEN_1500, ListSource, race_rows

LATER = [(1, "Jakob Ingebrigtsen", "NOR", "3:29.74"), (2, "Josh Kerr", "GBR", "3:30.11"), *MEN_1500[2:]]
LATEST = [*LATER[:2], (3, "Timothy Cheruiyot", "KEN", "3:31.01"), *MEN_1500[3:]]
ROWS = "SELECT subscription_id, revision, kind, state FROM outbox ORDER BY id"


async def claim(store, clock, row_id: int) -> int:
    return (await store.claim_rows([row_id], clock(), clock() + timedelta(seconds=60)))[row_id].token


async def test_finished_rows_go_after_the_setting_and_a_late_correction_is_still_one(any_store, clock):
    store = any_store
    subs = [await store.add_subscription(Subscription(ChannelRef("slack", "T1", f"C{i}"), created_at=clock()))
            for i in range(4)]
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(clock())  # baseline
    source.add(race_rows("1500m", "M", MEN_1500))
    await poller.poll_once(clock())
    first = [i for (i,) in await fetch_rows(store, "SELECT id FROM outbox ORDER BY id")]

    # C0 shown, C1 refused by the platform, C2 still waiting, C3 shown and then its channel went away
    await store.mark_delivered([Delivered(first[0], clock(), "m0", "", await claim(store, clock, first[0]))])
    await store.mark_failed(first[1], await claim(store, clock, first[1]), clock(), "rejected")
    await store.mark_delivered([Delivered(first[3], clock(), "m3", "", await claim(store, clock, first[3]))])
    await store.disable_channel(subs[3].channel, "gone", clock())
    clock.advance(60)
    source.add(race_rows("1500m", "M", LATER))  # a correction: C0 is told, C2's waiting row is replaced
    await poller.poll_once(clock())
    [(c0_fix,)] = await fetch_rows(store, f"SELECT id FROM outbox WHERE subscription_id = {subs[0].id} AND revision = 2")
    await store.mark_delivered([Delivered(c0_fix, clock(), "m4", "", await claim(store, clock, c0_fix))])
    before = await fetch_rows(store, ROWS)
    s0, s1, s2, s3 = (s.id for s in subs)
    assert before == [(s0, 1, RESULT, "delivered"), (s1, 1, RESULT, "failed"), (s2, 1, RESULT, "superseded"),
                      (s3, 1, RESULT, "delivered"), (s0, 2, CORRECTION, "delivered"), (s1, 2, RESULT, "pending"),
                      (s2, 2, RESULT, "pending")]

    pruned: list[int] = []
    pruner = Pruner(store, timedelta(days=30), on_pruned=pruned.append)
    assert await pruner.step(clock() + timedelta(days=29)) == 0  # not old enough yet
    assert await fetch_rows(store, ROWS) == before
    assert await pruner.step(clock() + timedelta(days=31)) == 4
    assert pruned == [0, 4]
    assert await fetch_rows(store, ROWS) == [  # pending rows, however old, and what C0 was last shown
        (s0, 2, CORRECTION, "delivered"), (s1, 2, RESULT, "pending"), (s2, 2, RESULT, "pending")]
    assert await pruner.step(clock() + timedelta(days=31)) == 0  # nothing more to take

    clock.advance(40 * 86400)
    source.add(race_rows("1500m", "M", LATEST))  # months later, another correction
    await poller.poll_once(clock())
    newest = await fetch_rows(store, f"SELECT kind FROM outbox WHERE subscription_id = {s0} AND revision = 3")
    assert newest == [(CORRECTION,)]  # told as a correction: the channel's last announcement was kept
