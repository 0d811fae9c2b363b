"""`racebot outbox` and `racebot subscriptions` read the real store and say what is there."""
from __future__ import annotations

import asyncio
import json

from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Filters, Subscription
from racebot.cli import main
from sched_fakes import MEN_1500, FakeClock, ListSource, race_rows
from storage.sqlite import SqliteStore

A = ChannelRef("discord", "1", "100")
B = ChannelRef("slack", "T1", "C2")


async def _fill(path) -> None:
    clock = FakeClock()
    store = await SqliteStore.open(path)
    try:
        await store.add_subscription(Subscription(A, created_at=clock(), created_by="ann"))
        await store.add_subscription(Subscription(B, Filters(gender="W"), created_at=clock()))
        gone = await store.add_subscription(Subscription(ChannelRef("slack", "T1", "C9"), created_at=clock()))
        await store.disable_channel(gone.channel, "channel gone: channel_not_found", clock())
        source = ListSource([], race_rows("1500m", "M", MEN_1500))
        poller = Poller(source, store)
        await poller.poll_once(clock())
        await poller.poll_once(clock())
    finally:
        await store.close()


def test_outbox_and_subscriptions_commands(tmp_path, capsys):
    db = tmp_path / "racebot.db"
    asyncio.run(_fill(db))
    assert main(["--db", str(db), "outbox"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Outbox: 1 pending"
    assert "pending  result  discord:1:100  Men's 1500m · Bislett Games 2024" in out[-1]
    assert main(["--db", str(db), "outbox", "--state", "delivered", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"counts": {"pending": 1}, "rows": []}
    assert main(["--db", str(db), "subscriptions"]) == 0
    listed = capsys.readouterr().out
    assert "discord:1:100" in listed and "slack:T1:C2" in listed and "C9" not in listed
    assert main(["--db", str(db), "subscriptions", "--all", "--json"]) == 0
    ended = json.loads(capsys.readouterr().out)["subscriptions"][2]
    assert (ended["active"], ended["ended"]) == (False, "channel gone: channel_not_found")
