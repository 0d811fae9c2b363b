"""The PostgreSQL schema: the same tables as SQLite's at every version, the same precedence
triggers, and the small roles that need no data (issue 16)."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest
from pg_server import URL, pg_schema, pg_server, reachable  # noqa: F401  (fixtures)

from bot.errors import NotStarted
from storage.postgres.schema import STEPS, VERSION
from storage.postgres.store import PostgresStore, split_url
from storage.postgres.tables import postgres_tables, sqlite_tables
from storage.schema import VERSION as SQLITE_VERSION
from storage.sqlite import SqliteStore


def test_one_list_of_versions_for_both_backends():
    assert VERSION == SQLITE_VERSION == len(STEPS)
    assert all(lite.strip() and pg.strip() for lite, pg in STEPS)


async def test_a_new_schema_holds_the_same_tables_and_columns_as_a_new_sqlite_store(pg_schema, pg_server, tmp_path):
    lite = await SqliteStore.open(tmp_path / "new.db")
    await lite.close()
    pg = await PostgresStore.open(pg_server, schema=pg_schema)
    try:
        want = sqlite_tables(sqlite3.connect(tmp_path / "new.db"))
        assert len(want) >= 20
        assert await postgres_tables(pg.listener, pg_schema) == want
        assert await pg.listener.fetchval("SELECT version FROM schema_version") == VERSION
    finally:
        await pg.close()
    again = await PostgresStore.open(f"{pg_server}?schema={pg_schema}")  # already there: nothing to do
    await again.pool.execute("UPDATE schema_version SET version = 99")
    await again.close()
    with pytest.raises(NotStarted, match="newer racebot"):
        await PostgresStore.open(pg_server, schema=pg_schema)


async def test_a_lower_precedence_never_replaces_the_shown_result_and_a_higher_one_keeps_the_old(
        pg_schema, pg_server, tmp_path):
    """The triggers of SQLite's version 4, as PL/pgSQL: the same writes leave the same rows."""
    lite_store = await SqliteStore.open(tmp_path / "p.db")
    await lite_store.close()
    lite = sqlite3.connect(tmp_path / "p.db", isolation_level=None)
    pg = await PostgresStore.open(pg_server, schema=pg_schema)
    writes = [
        "INSERT INTO athletes (id, name, given, family) VALUES (1, 'A B', 'A', 'B')",
        "INSERT INTO competitions (id, name, start_date, end_date) VALUES (1, 'C', '2024-01-01', '2024-01-01')",
        "INSERT INTO races (id, competition_id, event, gender, round, race_no, day) "
        "VALUES (1, 1, '100', 'M', 'final', 1, '2024-01-01')",
        "INSERT INTO results (race_id, athlete_id, place, mark, value, origin) VALUES (1, 1, 2, '10.10', 10.1, 2)",
        # a lower precedence, different: kept aside, not shown
        "UPDATE results SET place = 3, mark = '10.12', value = 10.12, origin = 1 WHERE race_id = 1",
        # a higher precedence: shown, and the replaced version kept aside
        "UPDATE results SET place = 1, mark = '10.05', value = 10.05, origin = 3 WHERE race_id = 1",
        # the same lower version again changes nothing
        "UPDATE results SET place = 3, mark = '10.12', value = 10.12, origin = 1 WHERE race_id = 1",
    ]
    try:
        for sql in writes:
            lite.execute(sql)
            await pg.pool.execute(sql)
        for query in ("SELECT race_id, athlete_id, place, mark, value, origin FROM results",
                      "SELECT race_id, athlete_id, origin, place, mark FROM result_alternates ORDER BY origin"):
            want = lite.execute(query).fetchall()
            assert want and [tuple(r) for r in await pg.pool.fetch(query)] == want
        assert lite.execute("SELECT place, origin FROM results").fetchall() == [(1, 3)]
        assert len(lite.execute("SELECT * FROM result_alternates").fetchall()) == 2
    finally:
        lite.close()
        await pg.close()


async def test_data_version_changes_when_another_connection_adds_to_the_change_feed(pg_schema, pg_server):
    pg = await PostgresStore.open(pg_server, schema=pg_schema)
    other = await asyncpg.connect(pg_server, server_settings={"search_path": pg_schema})
    try:
        before = pg.data_version()
        await other.execute("INSERT INTO changes (kind, race_id, at) VALUES ('race', 7, 'now')")
        for _ in range(100):
            if pg.data_version() != before:
                break
            await asyncio.sleep(0.01)
        assert pg.data_version() != before
        assert [c.race_id for c in await pg.changes_since(0, 10)] == [7] and await pg.change_head() == 1
    finally:
        await other.close()
        await pg.close()


async def test_meta_and_seen_requests(pg_schema, pg_server):
    pg = await PostgresStore.open(pg_server, schema=pg_schema)
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    try:
        assert await pg.get_meta("bundle_version") is None
        await pg.set_meta("bundle_version", "1")
        await pg.set_meta("bundle_version", "2")
        assert await pg.get_meta("bundle_version") == "2"
        assert await pg.first_sighting("k", now, now + timedelta(minutes=5))
        assert not await pg.first_sighting("k", now + timedelta(minutes=1), now + timedelta(minutes=6))
        assert await pg.first_sighting("k", now + timedelta(minutes=5), now + timedelta(minutes=10))  # expired
    finally:
        await pg.close()


def test_an_unreachable_server_skips_unless_required(monkeypatch):
    nowhere = "postgresql://postgres@127.0.0.1:1/test"
    monkeypatch.delenv("RACEBOT_TEST_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="unreachable.*RACEBOT_TEST_POSTGRES=required"):
        reachable(nowhere)
    monkeypatch.setenv("RACEBOT_TEST_POSTGRES", "required")
    with pytest.raises(pytest.fail.Exception, match="unreachable"):
        reachable(nowhere)


def test_the_schema_comes_from_the_url_unless_named():
    assert split_url("postgresql://u@h/db?schema=s1&sslmode=disable") == ("postgresql://u@h/db?sslmode=disable", "s1")
    assert split_url("postgresql://u@h/db?schema=s1", "s2") == ("postgresql://u@h/db", "s2")
    assert split_url(URL) == (URL, "public")


async def test_an_unreachable_store_is_one_line_without_the_password():
    with pytest.raises(NotStarted, match=r"cannot reach the PostgreSQL store postgresql://u:\*\*\*@127\.0\.0\.1:1/x"):
        await PostgresStore.open("postgresql://u:secret@127.0.0.1:1/x")


async def test_source_state_answers_as_in_sqlite(pg_schema, pg_server, tmp_path):
    from bot.sources.health import SourceHealth
    from bot.sources.state import DayMark

    lite = await SqliteStore.open(tmp_path / "s.db")
    pg = await PostgresStore.open(pg_server, schema=pg_schema)
    at = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
    try:
        for store in (lite, pg):
            await store.record([DayMark(7, 1, {10: "a", 11: "b"}, settled=True), DayMark(7, 2, {10: "c"})])
            await store.record([DayMark(7, 1, {11: "B"}, settled=False)])  # a settled day stays settled
            await store.save_source_health(SourceHealth("wa", at, "", None, None, at + timedelta(minutes=5)))
            await store.save_source_health(SourceHealth("wa", at, "HTTP 500", at, at, None, "open"))
            await store.save_source_health(SourceHealth("dl"))
        assert await pg.digests(7, 1) == await lite.digests(7, 1) == {10: "a", 11: "B"}
        assert [await s.is_settled(7, d) for s in (lite, pg) for d in (1, 2, 3)] == [True, False, False] * 2
        assert await pg.source_health() == await lite.source_health()
        assert [h.circuit for h in await pg.source_health()] == ["closed", "open"]
    finally:
        await lite.close()
        await pg.close()


async def test_subscriptions_through_a_core_over_either_store(pg_schema, pg_server, tmp_path):
    from bot.announce.publishing import ChannelRef
    from bot.commands.registry import Context
    from bot.core import Core

    clock = lambda: datetime(2024, 9, 1, 12, tzinfo=timezone.utc)  # noqa: E731
    lite = await SqliteStore.open(tmp_path / "s.db")
    pg = await PostgresStore.open(pg_server, schema=pg_schema)
    cores = [Core(lite, clock=clock), Core(pg, clock=clock)]
    here = Context(user_id="u", channel=ChannelRef("slack", "T1", "C1"), is_admin=True)
    asks = ["/subscribe", "/subscribe 100m women", "/subscriptions", "/unsubscribe 1", "/subscriptions",
            "/unsubscribe", "/subscriptions", "/status"]
    try:
        for core in cores:
            await core.start()
        for text in asks:
            a, b = [await core.handle_text(text, here) for core in cores]
            assert (a.error, a.data, a.plain_text()) == (b.error, b.data, b.plain_text()), text
        assert [s.active for s in await pg.subscriptions(include_inactive=True)] == [False, False]
        assert await pg.outbox_health() == await lite.outbox_health()
    finally:
        await lite.close()
        await pg.close()
