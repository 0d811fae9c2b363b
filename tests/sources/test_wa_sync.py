"""`racebot sync` end to end: the real CLI against the fake World Athletics server (found through
RACEBOT_WA_ENDPOINT) into a real SQLite store, then the synced results through `racebot h2h`.

The CLI runs `asyncio.run` itself, so it runs in a worker thread while the fake server answers
on the test's loop.

Each competition a sync stores is planned against every race in the store, so one test syncs
into the whole bundled store (World Athletics' races joined to the archive's and the histories',
nothing twice); the others, about what is asked, stored and resumed, into the store without the
histories (tests/results_only.py), which plans in a tenth of the time.
"""
from __future__ import annotations

import asyncio
import json
from argparse import Namespace
from datetime import datetime, timedelta, timezone

import pytest

from cores import copy_store
from results_only import bundled_db, db_copy, whole_copy  # noqa: F401 (fixtures: the store without the histories)

from racebot.cli import main
from racebot.config import load
from racebot.sync import sync
from storage.sqlite import SqliteStore

pytestmark = pytest.mark.asyncio

API_KEY = "test-key-0123456789"
FOLLOWED_2022 = [7138985, 7153961, 7174658, 7153964, 7153965, 7153966, 7153968, 7153970]  # by start date


def options(wa_server, monkeypatch, tmp_path, db) -> list[str]:
    monkeypatch.setenv("RACEBOT_WA_ENDPOINT", wa_server.url)
    monkeypatch.setenv("RACEBOT_WA_API_KEY", API_KEY)
    config = tmp_path / "config.toml"  # one try per request: an outage stops the sync at once
    config.write_text("[sources.worldathletics]\nretry_attempts = 1\ntimeout_seconds = 5\n", "utf-8")
    return ["--config", str(config), "--db", str(db)]


@pytest.fixture
def env(wa_server, monkeypatch, tmp_path, db_copy):
    return options(wa_server, monkeypatch, tmp_path, db_copy)


async def racebot(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def results_requests(server) -> list[tuple[int, int]]:
    return [(r["variables"]["competitionId"], r["variables"]["day"]) for r in server.ops("GetCalendarCompetitionResults")]


async def snapshot(db) -> tuple:
    store = await SqliteStore.open(db)
    try:
        counts = []
        for table in ("athletes", "competitions", "races", "results", "wa_fetch", "wa_days"):
            counts.append((await store.conn.execute_fetchall(f"SELECT count(*) FROM {table}"))[0][0])
        settled = await store.conn.execute_fetchall("SELECT competition_id, day FROM wa_days WHERE settled ORDER BY 1, 2")
        return tuple(counts), [tuple(r) for r in settled]
    finally:
        await store.close()


@pytest.fixture
def store_file(request):
    """The copy named by the test's parameter: `db_copy` or `whole_copy`."""
    return request.getfixturevalue(request.param)


# The whole store's run is slow (each of 8 competitions planned against 139k races: 9 s of CPU);
# the quick suite syncs the same into the store without the histories.
@pytest.mark.parametrize("store_file", ["db_copy", pytest.param("whole_copy", marks=pytest.mark.slow)],
                         indirect=True)
async def test_sync_fills_the_store_and_h2h_shows_it_then_a_rerun_asks_nothing(wa_server, monkeypatch, tmp_path,
                                                                                store_file, capsys):
    db_copy = store_file
    env = options(wa_server, monkeypatch, tmp_path, db_copy)
    before, _ = await snapshot(db_copy)
    assert await racebot(*env, "sync", "--season", "2022") == 0
    out, err = capsys.readouterr()
    # Birmingham's relays are the archive's already; Oslo and Eugene bring results the archive lacks.
    assert "8 of 8 competitions checked, 2 with new or changed results" in out
    assert "1 competition added from the calendar" in out  # Belgrade's indoor championships
    assert API_KEY not in out + err
    assert {cid for cid, _ in results_requests(wa_server)} == set(FOLLOWED_2022)
    assert all(r["headers"]["x-api-key"] == API_KEY for r in wa_server.requests)
    after, settled = await snapshot(db_copy)
    assert after[3] > before[3]  # results added
    assert (7153964, 2) in settled and (7138985, 3) in settled  # Eugene's day 2, Belgrade's day 3

    assert await racebot(*env, "h2h", "Jakob Ingebrigtsen", "Timothy Cheruiyot", "--json") == 0
    h2h = json.loads(capsys.readouterr().out)
    eugene = [m for m in h2h["meetings"] if m["date"] == "2022-05-27"]
    assert [(m["competition"], m["event"], m["a"]["mark"], m["b"]["mark"]) for m in eugene] == [
        ("Prefontaine Classic", "1500m", "3:34.19", "3:35.17")]  # from World Athletics, beside the archive's
    assert len({m["date"] for m in h2h["meetings"]}) == len(h2h["meetings"])  # nothing twice

    wa_server.requests.clear()
    assert await racebot(*env, "sync", "--season", "2022") == 0
    assert results_requests(wa_server) == []  # every day settled: only the calendar is read
    assert "0 with new or changed results" in capsys.readouterr().out
    assert await snapshot(db_copy) == (after, settled)


async def test_an_outage_stops_the_sync_and_a_rerun_resumes_where_it_stopped(wa_server, env, db_copy, bundled_db,
                                                                              tmp_path, capsys):
    wa_server.fail_when = lambda op, v: (503, {}) if (v.get("competitionId"), v.get("day")) == (7153964, 2) else None
    assert await racebot(*env, "sync", "--season", "2022") == 1
    err = capsys.readouterr().err
    assert "stopped at Prefontaine Classic 2022: World Athletics is unavailable" in err
    assert "run `racebot sync` again" in err and API_KEY not in err
    requested = results_requests(wa_server)
    assert requested[-1] == (7153964, 2) and (7153968, 1) not in requested  # Oslo never reached

    wa_server.fail_when = None
    wa_server.requests.clear()
    assert await racebot(*env, "sync", "--season", "2022") == 0
    assert results_requests(wa_server) == [(7153964, 2), (7153965, 1), (7153966, 1), (7153968, 1), (7153970, 1)]

    clean = tmp_path / "clean" / "racebot.db"  # the same sync, never interrupted
    clean.parent.mkdir()
    copy_store(bundled_db, clean)
    assert await racebot(*env[:2], "--db", str(clean), "sync", "--season", "2022") == 0
    assert await snapshot(db_copy) == await snapshot(clean)


async def test_an_interrupted_sync_keeps_what_it_stored_and_resumes(wa_server, env, db_copy):
    cfg = load(env[1], env[3])
    args = Namespace(season=2022, series=None, competition=None)
    task = asyncio.create_task(sync(cfg, args))

    def interrupt(op, v):  # Ctrl-C while Eugene's second day is on the wire
        if (v.get("competitionId"), v.get("day")) == (7153964, 2):
            task.cancel()
        return None
    wa_server.fail_when = interrupt
    with pytest.raises(asyncio.CancelledError):
        await task
    _, settled = await snapshot(db_copy)  # stored competition by competition: Birmingham is in, Eugene not
    assert (7174658, 1) in settled and (7153964, 1) not in settled

    wa_server.fail_when = None
    wa_server.requests.clear()
    assert await sync(cfg, args) == 0
    assert results_requests(wa_server) == [(7153964, 1), (7153964, 2), (7153965, 1), (7153966, 1), (7153968, 1),
                                           (7153970, 1)]
    _, settled = await snapshot(db_copy)
    assert {(7153964, 2), (7153968, 1)} <= set(settled)


async def test_a_malformed_payload_stores_nothing_of_that_day(wa_server, env, db_copy, capsys):
    wa_server.overrides[("GetCalendarCompetitionResults", 7153968, 1)] = '{"data": {"getCalendarCompetitionResults": []}}'
    before, _ = await snapshot(db_copy)
    assert await racebot(*env, "sync", "--competition", "7153968") == 1
    err = capsys.readouterr().err
    assert "unexpected payload" in err and API_KEY not in err
    assert await snapshot(db_copy) == (before, [])  # not a result, not a fetch mark


async def test_one_competition_by_id(wa_server, env, db_copy, capsys):
    assert await racebot(*env, "sync", "--competition", "9000001") == 0
    assert "1 of 1 competition checked" in capsys.readouterr().out
    assert await racebot(*env, "results", "Bislett Games 2024", "--json") == 0
    assert "3:29.74" in capsys.readouterr().out
    assert await racebot(*env, "sync", "--competition", "1234") == 1
    assert "World Athletics has no competition 1234" in capsys.readouterr().err


async def test_bad_arguments_and_config_fail_clearly_before_any_request(wa_server, env, tmp_path, capsys):
    assert await racebot(*env, "sync", "--series", "golden-league") == 2
    assert "unknown series golden-league; known: diamond-league" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[sources.worldathletics]\nretry_atempts = 2\n", "utf-8")
    assert await racebot("--config", str(bad), *env[2:], "sync") == 2
    assert "sources.worldathletics.retry_atempts: unknown key" in capsys.readouterr().err
    assert wa_server.requests == []


async def test_sync_waits_for_the_running_bots_poll_then_gives_up(wa_server, env, db_copy, monkeypatch, capsys):
    store = await SqliteStore.open(db_copy)  # the bot, mid-poll, holds the source
    now = datetime.now(timezone.utc)
    assert await store.lease_source("worldathletics", "bot", now, now + timedelta(minutes=5))
    await store.close()
    monkeypatch.setattr("racebot.sync.LEASE_PAUSE", 0.0)
    assert await racebot(*env, "sync", "--season", "2022") == 1
    err = capsys.readouterr().err
    assert "waiting for the running bot" in err and "another racebot keeps polling World Athletics" in err
    assert wa_server.requests == []  # nothing imported beside the bot's poll
