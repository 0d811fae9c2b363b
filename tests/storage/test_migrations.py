"""A store left at any older schema version, with data in it, opens with today's code: upgraded
to the current version, every row kept and readable through the core; a store written by a newer
racebot is refused with a message that says what to do, and left as it was."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from bot.commands.registry import Context
from bot.core import Core
from bot.errors import NotStarted
from bot.announce.publishing import ChannelRef
from storage.schema import MIGRATIONS, VERSION
from storage.sqlite import SqliteStore

T = "2024-05-30T19:04:05.000000+00:00"  # the stores' one time format
CHANNEL = ChannelRef("slack", "T1", "C1")
# Rows each version brought, written with only the columns that version had: (version, table, row).
ROWS = [
    (1, "meta", {"key": "note", "value": "kept"}),
    (1, "athletes", {"id": 1, "name": "Ada Oldstore", "given": "Ada", "family": "Oldstore", "country": "NOR",
                     "gender": "M"}),
    (1, "athletes", {"id": 2, "name": "Bo Oldstore", "given": "Bo", "family": "Oldstore", "country": "SWE",
                     "gender": "M"}),
    (1, "athlete_ids", {"scheme": "wa", "source_id": "14653746", "athlete_id": 1}),
    (1, "competitions", {"id": 1, "name": "Bislett Games", "venue": "Oslo", "start_date": "2024-05-30",
                         "end_date": "2024-05-30", "series": "Diamond League"}),
    (1, "races", {"id": 1, "competition_id": 1, "event": "1500", "gender": "M", "round": "final", "race_no": 1,
                  "day": "2024-05-30"}),
    (1, "results", {"race_id": 1, "athlete_id": 1, "place": 1, "mark": "3:29.74", "value": 209.74}),
    (1, "results", {"race_id": 1, "athlete_id": 2, "place": 2, "mark": "3:29.77", "value": 209.77}),
    (2, "subscriptions", {"id": 1, "platform": "slack", "workspace": "T1", "channel": "C1",
                          "filters": '{"athletes": [1]}', "created_at": T}),
    (2, "race_versions", {"race_id": 1, "revision": 1, "entries": "[]", "changed_at": T}),
    (2, "outbox", {"id": 1, "subscription_id": 1, "race_id": 1, "revision": 1, "kind": "result",
                   "created_at": T, "due_at": T, "next_attempt_at": T}),
    (2, "poll_state", {"source": "worldathletics", "polls": 3, "last_poll_at": T}),
    (3, "wa_fetch", {"competition_id": 7153964, "day": 1, "event_id": 10229630, "digest": "abc"}),
    (3, "wa_days", {"competition_id": 7153964, "day": 1, "settled": 1}),
    (3, "source_health", {"source": "worldathletics", "last_success": T}),
    (4, "competition_aliases", {"competition_id": 1, "name_key": "bislett", "venue_key": "oslo",
                                "name": "Bislett", "venue": "Oslo"}),
    (4, "result_alternates", {"race_id": 1, "athlete_id": 2, "origin": 0, "place": 2, "mark": "3:29.8",
                              "value": 209.8, "status": "", "flags": "", "note": "", "source": "seed"}),
    (6, "changes", {"kind": "race", "race_id": 1, "at": T}),
    (7, "seen_requests", {"key": "slack:v0=abc", "expires_at": T}),
    (8, "race_keys", {"key": "tp:1:2024-05-30:1500:final", "race_id": 1}),
    (8, "athlete_bests", {"athlete_id": 1, "event": "1500", "indoor": 0, "mark": "3:26.73", "value": 206.73,
                          "source": "career history"}),
    (9, "athlete_aliases", {"athlete_id": 1, "name": "Jakob Ingebrigtsen Senior", "given": "Jakob",
                            "family": "Ingebrigtsen Senior"}),
    # one source key, a second race (two finals under one key, split athlete by athlete)
    (10, "races", {"id": 2, "competition_id": 1, "event": "800", "gender": "M", "round": "final", "race_no": 1,
                   "day": "2024-05-30"}),
    (10, "race_keys", {"key": "tp:1:2024-05-30:1500:final", "race_id": 2}),
    # ids read by athlete (an index only): a second scheme's id beside the first
    (11, "athlete_ids", {"scheme": "tilastopaja", "source_id": "77", "athlete_id": 1}),
    # a follower's direct-message target, their follow, its change and an alert sent
    (12, "subscriptions", {"id": 2, "platform": "slack", "workspace": "T1", "channel": "user:U9", "created_at": T,
                           "baseline_at": T}),
    (12, "follows", {"id": 1, "subscription_id": 2, "platform": "slack", "workspace": "T1", "user_id": "U9",
                     "athlete_id": 1, "created_at": T}),
    (12, "follow_changes", {"follow_id": 1}),
    (12, "outbox", {"id": 2, "subscription_id": 2, "race_id": 1, "revision": 1, "kind": "follow",
                    "note": "f=1;a=1;r=;s=off", "created_at": T, "due_at": T, "next_attempt_at": T}),
    (13, "installs", {"platform": "slack", "org": "", "workspace": "T1", "secret": "plain:xoxb-1",
                      "details": "{}", "installed_at": T}),
    (13, "install_states", {"key": "slack:abc", "expires_at": T}),
]
# Columns a later version added, as rows written before it read them: (row's version, table, where, column, value).
DEFAULTS = [(1, "results", "athlete_id = 1", "origin", 1), (1, "races", "id = 1", "venues", ""),
            (2, "outbox", "id = 1", "token", 0), (2, "outbox", "id = 1", "in_doubt", 0),
            (1, "races", "id = 1", "partial", 0)]


def old_store(path, version: int) -> None:
    """A store as racebot left it at `version`: its migrations only, and rows of its time."""
    with sqlite3.connect(path) as db:
        for script in MIGRATIONS[:version]:
            db.executescript(script)
        for since, table, row in ROWS:
            if since <= version:
                db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                           tuple(row.values()))
        db.execute(f"PRAGMA user_version = {version}")
    db.close()


def user_version(path) -> int:
    with sqlite3.connect(path) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    db.close()
    return version


def test_every_version_has_rows_here():
    assert {since for since, _, _ in ROWS} | {5} == set(range(1, VERSION + 1)), "a new version: add its rows"


@pytest.mark.parametrize("version", range(1, VERSION))
async def test_an_older_store_is_upgraded_with_its_data(tmp_path, version):
    path = tmp_path / "old.db"
    old_store(path, version)
    store = await SqliteStore.open(path)
    try:
        assert user_version(path) == VERSION
        for since, table, row in ROWS:
            if since <= version:
                where = " AND ".join(f"{column} IS ?" for column in row)
                found = await store.conn.execute_fetchall(f"SELECT count(*) FROM {table} WHERE {where}",
                                                          tuple(row.values()))
                assert found == [(1,)], (table, row)
        for since, table, where, column, value in DEFAULTS:
            if since <= version:
                found = await store.conn.execute_fetchall(f"SELECT {column} FROM {table} WHERE {where}")
                assert found == [(value,)], (table, column)
        core = Core(store, clock=lambda: datetime(2024, 6, 1, tzinfo=timezone.utc))
        await core.start()
        h2h = await core.handle_text('/h2h "Ada Oldstore" "Bo Oldstore"', Context())
        assert not h2h.error and h2h.data["wins"] == {"a": 1, "b": 0}, h2h.plain_text()
        results = await core.handle_text("/results bislett 2024 1500m", Context())
        assert [r["athlete"] for r in results.data["results"]] == ["Ada Oldstore", "Bo Oldstore"]
        if version >= 2:
            [sub] = await store.subscriptions(CHANNEL)
            assert sub.id == 1
        if version >= 3:
            [health] = await store.source_health()
            assert health.name == "worldathletics" and health.last_success is not None
    finally:
        await store.close()
    reopened = await SqliteStore.open(path)  # nothing left to do the second time
    await reopened.close()
    assert user_version(path) == VERSION


async def test_a_store_from_a_newer_racebot_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "newer.db"
    old_store(path, VERSION)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    with pytest.raises(NotStarted) as refused:
        await SqliteStore.open(path)
    message = str(refused.value)
    assert f"schema {VERSION + 1}" in message and f"this one knows {VERSION}" in message
    assert "newer racebot" in message and "upgrade racebot" in message and "\n" not in message
    assert user_version(path) == VERSION + 1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'note'").fetchone() == ("kept",)
    db.close()


def test_source_ids_are_read_by_athlete_not_by_scanning_their_scheme(tmp_path):
    """Every /h2h card reads both athletes' ids: the reader's own query must find them by athlete
    (schema 11's index), not walk every id of the scheme (5 ms at a million results)."""
    from storage.reader import Reader, query_only

    old_store(tmp_path / "s.db", VERSION)
    conn = query_only(tmp_path / "s.db")
    asked: list[str] = []
    conn.set_trace_callback(asked.append)
    assert Reader(conn).source_ids([1, 2], "wa") == {1: "14653746"}
    conn.set_trace_callback(None)
    (sql,) = [q for q in asked if "athlete_ids" in q]
    plan = " ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "INDEX athlete_ids_athlete" in plan, plan
    conn.close()
