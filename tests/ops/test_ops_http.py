"""/healthz and /metrics (racebot.ops_http) over the real HTTP port on 127.0.0.1, with real cores
and stores: ready only once the indexes are loaded and while the store answers; the commands a
core answers are counted, and the outbox's pending rows are read from the store."""
from __future__ import annotations

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.commands.registry import Context
from bot.core import Core
from bot.errors import UserError
from ops_data import pending_rows, race
from racebot.metrics import Metrics
from racebot.ops_http import OpsServer
from storage.sqlite import SqliteStore


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
    await pending_rows(store, 2, race("1500m", 2))
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
    with pytest.raises(UserError):  # Slack's path: the command and its words apart
        core.parse_words("h2h", 'Kerr "unclosed')
    status, kind, text = await get(ops, "/metrics")
    assert status == 200 and kind.startswith("text/plain; version=")
    seen = {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}
    assert seen[("racebot_commands_total", (("command", "h2h"), ("outcome", "ok")))] == 2
    assert seen[("racebot_commands_total", (("command", "h2h"), ("outcome", "bad_input")))] == 2
    # what a user typed never becomes a label: unknown commands are counted as one
    assert seen[("racebot_commands_total", (("command", "unknown"), ("outcome", "bad_input")))] == 1
    assert "frobnicate" not in text
    assert seen[("racebot_announcements_pending", ())] == 0  # the bundled store's outbox is empty


async def test_a_taken_port_is_an_error_at_start(ops):
    other = OpsServer(Metrics(), "127.0.0.1", ops.port)
    with pytest.raises(OSError):
        await other.start()
