"""PostgreSQL stores start from the indexes saved in the store (issue 16): a second process
answers from them without a build, applies the writes made since from the change feed, and
ends with the indexes a fresh build gives; a snapshot not of this store's history is ignored."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from pg_server import pg_schema, pg_server  # noqa: F401,E402 (fixtures)
from test_index_snapshot import NEWCOMER, held  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from bot.indexes import Indexes  # noqa: E402
from racebot.app import open_core  # noqa: E402
from racebot.importing import import_file  # noqa: E402
from storage.postgres.store import PostgresStore  # noqa: E402

HEADER = "date,competition,venue,series,event,gender,round,race,place,athlete,country,mark\n"
# Eight meetings, so that a later race is a small share and is applied to the indexes in place
# (bot.core.FULL_BUILD_SHARE) rather than answered by a build beside.
MEETING = HEADER + "".join(
    f"2024-06-{day:02d},Meeting {day},Oslo,Diamond League,1500m,M,final,,{place},{name},{country},3:{29 + place}.00\n"
    for day in range(1, 9)
    for place, (name, country) in enumerate(
        [("Jakob Ingebrigtsen", "NOR"), ("Josh Kerr", "GBR")][:: 1 if day % 2 else -1], start=1))


@pytest.fixture
async def pg_url(pg_server, pg_schema, tmp_path):  # noqa: F811
    """A schema holding two meetings, no saved indexes yet."""
    url = f"{pg_server}?schema={pg_schema}"
    csv = tmp_path / "meeting.csv"
    csv.write_text(MEETING)
    store = await PostgresStore.open(url)
    try:
        await import_file(store, csv)
    finally:
        await store.close()
    return url


@pytest.fixture
def builds(monkeypatch):
    """How many full builds ran (the real Indexes.load, counted)."""
    calls = []
    real = Indexes.load

    async def counted(self, *args, **kwargs):
        calls.append(1)
        await real(self, *args, **kwargs)

    monkeypatch.setattr(Indexes, "load", counted)
    return calls


async def opened(url, caplog, *, one_question=False):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="racebot.app"):
        return await open_core(url, bundled=False, one_question=one_question)


_BUILD = Indexes.load  # uncounted: the fresh build a test compares with


async def fresh(store) -> dict:
    ix = Indexes()
    await _BUILD(ix, store)
    return held(ix)


async def test_a_second_open_answers_from_the_saved_indexes_without_a_build(pg_url, caplog, builds):
    first = await opened(pg_url, caplog)
    try:
        built = await first.handle_text("/h2h Kerr Ingebrigtsen", Context())
        assert "from the snapshot" not in caplog.text and len(builds) == 1
        head, data = await first.store.saved_indexes(await first.store.change_head())
        assert head == await first.store.change_head() and data
    finally:
        await first.store.close()
    for one_question in (False, True):
        again = await opened(pg_url, caplog, one_question=one_question)
        try:
            assert "indexes from the snapshot of the store (nothing written" in caplog.text
            reply = await again.handle_text("/h2h Kerr Ingebrigtsen", Context())
            assert reply.plain_text() == built.plain_text() and reply.data == built.data
            assert reply.data["wins"] == {"a": 4, "b": 4}, reply.plain_text()
            assert len(builds) == 1
            assert held(again.indexes) == await fresh(again.store)
        finally:
            await again.store.close()


async def test_writes_since_are_applied_from_the_feed_and_equal_a_fresh_build(pg_url, caplog, tmp_path, builds):
    first = await opened(pg_url, caplog)  # builds and saves
    try:
        saved_at = await first.store.change_head()
        csv = tmp_path / "newcomer.csv"
        csv.write_text(NEWCOMER)
        await import_file(first.store, csv)  # another writer, while this process runs
    finally:
        await first.store.close()
    second = await opened(pg_url, caplog)
    try:
        assert "changes since it was saved" in caplog.text
        assert len(builds) == 1  # only the first open's
        reply = await second.handle_text("/h2h Quarrington Pennefather", Context())
        assert reply.data["wins"]["a"] == 1, reply.plain_text()
        assert held(second.indexes) == await fresh(second.store)
        head = await second.store.change_head()
        assert head > saved_at and (await second.store.saved_indexes(head))[0] == head  # saved anew
    finally:
        await second.store.close()


async def test_a_snapshot_not_of_this_history_or_damaged_costs_a_build(pg_url, caplog, builds):
    core = await opened(pg_url, caplog)
    await core.store.close()
    store = await PostgresStore.open(pg_url)
    try:  # the change the snapshot was taken after is not the one at its position now (a restore, say)
        await store.pool.execute("UPDATE changes SET at = '1999-01-01T00:00:00.000Z' "
                                 "WHERE seq = (SELECT head FROM index_snapshot)")
        assert await store.saved_indexes(await store.change_head()) is None
    finally:
        await store.close()
    core = await opened(pg_url, caplog)  # builds, and saves the snapshot anew
    await core.store.close()
    assert len(builds) == 2 and "from the snapshot" not in caplog.text
    store = await PostgresStore.open(pg_url)
    try:
        await store.pool.execute("UPDATE index_snapshot SET data = substring(data FROM 1 FOR length(data) / 2)")
    finally:
        await store.close()
    core = await opened(pg_url, caplog)
    try:
        assert len(builds) == 3 and "ignoring the saved indexes in the store" in caplog.text
        reply = await core.handle_text("/h2h Kerr Ingebrigtsen", Context())
        assert reply.data["a"]["name"] == "Josh Kerr", reply.plain_text()
    finally:
        await core.store.close()
