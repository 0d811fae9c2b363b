"""/healthz and /metrics (racebot.ops_http) over the real HTTP port on 127.0.0.1, with real cores
and stores: ready only once the indexes are loaded and while the store answers; the commands a
core answers are counted, and the outbox's pending rows are read from the store."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from bot.commands.registry import Context
from bot.core import Core
from bot.ingest.rows import ResultRow
from racebot.metrics import Metrics
from racebot.ops_http import OpsServer
from storage.sqlite import SqliteStore


class OneRace:
    """A source whose second poll finds one final (the first is every source's baseline)."""

    name = "one-race"

    def __init__(self) -> None:
        self.polls = 0

    async def poll(self, now):
        self.polls += 1
        rows = [ResultRow(date=date(2024, 5, 30), competition="Bislett Games", venue="Oslo", series="",
                          event="1500m", gender="M", round="final", race=1, place=i, athlete=name,
                          country="NOR", mark=mark, line=i)
                for i, (name, mark) in enumerate([("Ann Ask", "3:30.00"), ("Bo Berg", "3:31.00")], 1)]
        return SimpleNamespace(rows=rows if self.polls > 1 else [], next_poll=None, complete=True, errors=[])

    async def commit(self, batch) -> None:
        pass

    async def failed(self, batch, error) -> None:
        pass


async def two_pending(store) -> None:
    now = datetime.now(timezone.utc)
    for channel in ("C1", "C2"):
        await store.add_subscription(Subscription(ChannelRef("slack", "T1", channel), created_at=now))
    poller = Poller(OneRace(), store)
    await poller.poll_once(now)
    await poller.poll_once(now)


@pytest.fixture
async def ops():
    server = OpsServer(Metrics(), "127.0.0.1", 0)
    await server.start()
    yield server
    await server.stop()


async def get(server: OpsServer, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{server.port}{path}") as r:
            return r.status, r.headers["Content-Type"], await r.text()


async def test_ready_only_with_the_indexes_loaded_and_the_store_answering(ops, tmp_path):
    assert (await get(ops, "/healthz"))[::2] == (503, "not ready: starting: the store is opening\n")
    store = await SqliteStore.open(tmp_path / "racebot.db")
    ops.core = Core(store)
    assert (await get(ops, "/healthz"))[::2] == (503, "not ready: starting: the indexes are loading\n")
    await ops.core.start()
    assert (await get(ops, "/healthz"))[::2] == (200, "ok\n")
    await two_pending(store)
    assert "racebot_announcements_pending 2.0" in (await get(ops, "/metrics"))[2]
    await store.close()  # as good as a database that went away
    status, _, text = await get(ops, "/healthz")
    assert status == 503 and text.startswith("not ready: store unreachable (")
    ops.stopping = True
    assert (await get(ops, "/healthz"))[::2] == (503, "not ready: stopping\n")


async def test_metrics_count_commands_by_name_and_outcome(ops, core):
    core.on_command = ops.metrics.command
    ops.core = core
    ask = Context(user_id="u1")
    for text in ("/h2h Kerr Ingebrigtsen", "/h2h Kerr Ingebrigtsen", "/h2h Kerr", "/frobnicate secret words"):
        await core.handle_text(text, ask)
    status, kind, text = await get(ops, "/metrics")
    assert status == 200 and kind.startswith("text/plain; version=")
    seen = {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}
    assert seen[("racebot_commands_total", (("command", "h2h"), ("outcome", "ok")))] == 2
    assert seen[("racebot_commands_total", (("command", "h2h"), ("outcome", "bad_input")))] == 1
    # what a user typed never becomes a label: unknown commands are counted as one
    assert seen[("racebot_commands_total", (("command", "unknown"), ("outcome", "bad_input")))] == 1
    assert "frobnicate" not in text
    assert seen[("racebot_announcements_pending", ())] == 0  # the bundled store's outbox is empty


async def test_a_taken_port_is_an_error_at_start(ops):
    other = OpsServer(Metrics(), "127.0.0.1", ops.port)
    with pytest.raises(OSError):
        await other.start()
