"""The store as the source's memory (FetchState), and polls through the production path
(Poller + MonitoredSource): fetch marks recorded once the rows are stored, nothing marked for what
was not stored. On both backends (tests/backends.py)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backends import any_store, fetch_rows, open_store, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from bot.sources.worldathletics import DayMark

pytestmark = pytest.mark.asyncio

FIXTURES = Path(__file__).parents[1] / "fixtures" / "worldathletics"
NOW = datetime(2022, 6, 20, 20, tzinfo=timezone.utc)  # Oslo (16 June) and Paris (18 June) are over


def results_requests(server) -> list[tuple[int, int]]:
    return [(r["variables"]["competitionId"], r["variables"]["day"]) for r in server.ops("GetCalendarCompetitionResults")]


async def count(store, sql: str) -> int:
    return (await fetch_rows(store, sql))[0][0]


@pytest.fixture
def store(any_store):
    return any_store


async def test_fetch_state_merges_digests_settles_days_and_survives_reopening(store_target):
    store = await open_store(store_target)
    assert await store.digests(7153968, 1) == {} and not await store.is_settled(7153968, 1)
    await store.record([DayMark(7153968, 1, {900101: "a", 900102: "b"})])
    await store.record([DayMark(7153968, 1, {900102: "c"}, settled=True), DayMark(7153964, 2, {})])
    await store.record([DayMark(7153968, 1, {}, settled=False)])  # a settled day stays settled
    await store.close()

    store = await open_store(store_target)
    try:
        assert await store.digests(7153968, 1) == {900101: "a", 900102: "c"}
        assert await store.is_settled(7153968, 1) and not await store.is_settled(7153964, 2)
        assert await store.digests(7153964, 2) == {}
    finally:
        await store.close()


async def results(store) -> list[tuple]:
    return await fetch_rows(store, "SELECT * FROM results ORDER BY race_id, athlete_id")


async def test_second_poll_from_a_new_process_sends_no_results_requests(wa_server, make_poller, store):
    first = await make_poller(store).poll_once(NOW)
    assert not first.error and await count(store, "SELECT count(*) FROM results") == first.rows > 0
    assert sorted(results_requests(wa_server)) == [(7153968, 1), (7153970, 1)]
    assert await count(store, "SELECT count(*) FROM wa_fetch WHERE competition_id = 7153968") == 6
    assert await store.is_settled(7153968, 1) and await store.is_settled(7153970, 1)

    wa_server.requests.clear()
    again = await make_poller(store).poll_once(NOW + timedelta(hours=1))  # a restart
    assert results_requests(wa_server) == []  # settled days are never asked again
    assert [r["op"] for r in wa_server.requests] == ["GetCalendarEvents"] * len(wa_server.requests)
    assert not again.error and again.rows == 0 and not again.data_changed


async def test_unchanged_live_day_stores_nothing_and_a_changed_event_only_itself(wa_server, make_poller, store):
    live = datetime(2022, 5, 28, 18, tzinfo=timezone.utc)  # Eugene, day 2 of 2
    await make_poller(store).poll_once(live)
    before = await results(store)

    quiet = await make_poller(store).poll_once(live + timedelta(minutes=1))
    assert quiet.rows == 0 and await results(store) == before

    changed = json.loads((FIXTURES / "getCalendarCompetitionResults_7153964_day2.json").read_text())
    steeple = changed["data"]["getCalendarCompetitionResults"]["eventTitles"][0]["events"][1]
    steeple["races"][0]["results"][0]["records"] = "MR"
    wa_server.overrides[("GetCalendarCompetitionResults", 7153964, 2)] = changed
    await make_poller(store).poll_once(live + timedelta(minutes=2))
    after = await results(store)
    assert len(after) == len(before) and len(set(after) - set(before)) == 1  # one changed, none added
    [(flags,)] = await fetch_rows(store,
        "SELECT res.flags FROM results res JOIN athletes a ON a.id = res.athlete_id WHERE a.name = 'Norah Jeruto'")
    assert flags == "MR"


async def test_rows_the_importer_refuses_leave_store_and_fetch_state_untouched(wa_server, make_poller, store):
    broken = json.loads((FIXTURES / "getCalendarCompetitionResults_7153968_day1.json").read_text())
    broken["data"]["getCalendarCompetitionResults"]["eventTitles"][0]["events"][0]["races"][0]["results"][0]["place"] = "0."
    wa_server.overrides[("GetCalendarCompetitionResults", 7153968, 1)] = broken
    before = await count(store, "SELECT count(*) FROM results")
    outcome = await make_poller(store).poll_once(NOW)
    assert "place 0 is not a place" in outcome.error
    assert await count(store, "SELECT count(*) FROM results") == before
    assert await store.digests(7153968, 1) == {} and not await store.is_settled(7153968, 1)
    [health] = await store.source_health()
    assert health.failing_since == NOW and "results not stored" in health.last_error

    del wa_server.overrides[("GetCalendarCompetitionResults", 7153968, 1)]
    wa_server.requests.clear()
    fixed = await make_poller(store).poll_once(NOW + timedelta(minutes=15))
    assert (7153968, 1) in results_requests(wa_server) and not fixed.error
    assert await count(store, "SELECT count(*) FROM results") > before
    [health] = await store.source_health()
    assert health.ok and health.last_success == NOW + timedelta(minutes=15)


async def test_a_malformed_payload_changes_nothing(wa_server, make_poller, store, caplog):
    wa_server.overrides[("GetCalendarCompetitionResults", 7153968, 1)] = {
        "data": {"getCalendarCompetitionResults": {"eventTitles": "not a list"}}}
    await make_poller(store).poll_once(NOW)
    [health] = await store.source_health()
    assert "unexpected payload" in health.last_error
    assert await count(store, "SELECT count(*) FROM results") == 0  # Paris has no fixture: nothing at all
    assert await store.digests(7153968, 1) == {} and not await store.is_settled(7153968, 1)
    assert await store.is_settled(7153970, 1)  # the day that did answer is done
    [logged] = [r for r in caplog.records if "Sample:" in r.getMessage()]
    assert '"eventTitles": "not a list"' in logged.getMessage()  # once, with a short sample

    await make_poller(store).poll_once(NOW + timedelta(minutes=15))  # still broken
    assert await count(store, "SELECT count(*) FROM results") == 0


async def test_followed_calendar_competitions_are_added_once_for_next(wa_server, make_poller, store):
    await make_poller(store).poll_once(NOW)
    known = len(await store.competitions())
    assert {"Meeting de Paris", "Bislett Games"} <= {c.name for c in await store.competitions()}  # followed: Paris has no results yet
    # The fake answers with its whole calendar: 14 followed competitions, Oslo came with its results.
    assert await count(store, "SELECT count(DISTINCT competition_id) FROM races") == 1 and known == 1 + 13
    unfollowed = await count(store, "SELECT count(*) FROM competitions WHERE series = ''")
    assert unfollowed == 0
    await make_poller(store).poll_once(NOW + timedelta(hours=7))  # calendar refreshed: nothing added
    assert len(await store.competitions()) == known == 14
    [paris] = [c for c in await store.upcoming(NOW.date() - timedelta(days=3), 10) if c.name == "Meeting de Paris"]
    assert (paris.venue, paris.country, paris.series, paris.category) == ("Paris", "FRA", "Diamond League", "GW")
