"""WorldAthleticsSource against the fake GraphQL server: polling, incremental fetch, backfill, look-ups."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.sources.worldathletics import FetchKey, InMemoryFetchState

pytestmark = pytest.mark.asyncio  # also without the project's asyncio_mode = "auto"

FIXTURES = Path(__file__).parents[1] / "fixtures" / "worldathletics"
API_KEY = "test-key-0123456789"


def at(day: str, hour: int = 20) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


def results_requests(server) -> list[tuple[int, int]]:
    return [(r["variables"]["competitionId"], r["variables"]["day"]) for r in server.ops("GetCalendarCompetitionResults")]


async def test_first_poll_fetches_finished_meetings_second_poll_sends_nothing(wa_server, make_source):
    source = make_source()
    now = at("2022-06-20")  # Oslo (16 June) and Paris (18 June) are over and settled
    batch = await source.poll(now)
    assert batch.complete and batch.errors == []
    assert {e.source_id for e in batch.calendar_entries} >= {"7153968", "7153970"}
    assert sorted(results_requests(wa_server)) == [(7153968, 1), (7153970, 1)]
    assert {r.competition for r in batch.rows} == {"Bislett Games"}
    assert all(r.series == "Diamond League" for r in batch.rows)  # the series comes from the calendar
    assert set(batch.changed_keys) == {FetchKey(7153968, 1, e) for e in range(900100, 900106)}
    assert all(m.settled for m in batch.marks)
    headers = wa_server.requests[0]["headers"]
    assert headers["x-api-key"] == API_KEY and "racebot" in headers["User-Agent"]
    await source.commit(batch)

    sent = len(wa_server.requests)
    again = await source.poll(now + timedelta(hours=1))
    assert len(wa_server.requests) == sent  # calendar still fresh, every day settled: no request at all
    assert (again.rows, again.changed_keys, again.marks, again.errors) == ([], [], [], [])
    assert source.health.last_success == now + timedelta(hours=1) and source.health.ok


async def test_live_meeting_polls_only_its_current_day_and_reports_only_changes(wa_server, make_source):
    source = make_source()
    now = at("2022-05-28", 18)  # Eugene, day 2 of 2; Birmingham (21 May) is over
    batch = await source.poll(now)
    assert sorted(results_requests(wa_server)) == [(7153964, 2), (7174658, 1)]
    eugene = [r for r in batch.rows if r.competition == "Prefontaine Classic"]
    assert {r.event for r in eugene} == {"100m", "3000m SC"}  # day 2 only
    live_mark = next(m for m in batch.marks if m.competition_id == 7153964)
    assert live_mark.day == 2 and not live_mark.settled
    assert batch.next_poll == now + timedelta(seconds=60)  # live: poll again within a minute
    await source.commit(batch)

    wa_server.requests.clear()
    quiet = await source.poll(now + timedelta(minutes=1))
    assert results_requests(wa_server) == [(7153964, 2)]  # the live day only; settled Birmingham is skipped
    assert (quiet.rows, quiet.changed_keys) == ([], [])

    changed = json.loads((FIXTURES / "getCalendarCompetitionResults_7153964_day2.json").read_text())
    steeple = changed["data"]["getCalendarCompetitionResults"]["eventTitles"][0]["events"][1]
    steeple["races"][0]["results"][0]["records"] = "MR"  # a late correction on one event
    wa_server.overrides[("GetCalendarCompetitionResults", 7153964, 2)] = changed
    update = await source.poll(now + timedelta(minutes=2))
    assert update.changed_keys == [FetchKey(7153964, 2, 900504)]
    assert {r.event for r in update.rows} == {"3000m SC"}
    assert update.rows[0].flags == ("MR",) and update.rows[0].athlete == "Norah Jeruto"


async def test_finished_meeting_is_fetched_day_by_day_then_settled(wa_server, make_source):
    source = make_source()
    batch = await source.poll(at("2022-06-01"))  # Eugene (27-28 May) over for more than a day
    eugene_days = [day for cid, day in results_requests(wa_server) if cid == 7153964]
    assert eugene_days == [1, 2]
    events = {r.event for r in batch.rows if r.competition == "Prefontaine Classic"}
    assert events == {"1500m", "High Jump", "100m", "3000m SC"}
    assert {(m.competition_id, m.day, m.settled) for m in batch.marks if m.competition_id == 7153964} == \
        {(7153964, 1, True), (7153964, 2, True)}


async def test_uncommitted_batch_is_fetched_and_reported_again(wa_server, make_source):
    source = make_source()
    first = await source.poll(at("2022-06-20"))  # the caller crashed before storing: no commit
    second = await source.poll(at("2022-06-20") + timedelta(hours=7))
    assert len(second.rows) == len(first.rows) > 0 and set(second.changed_keys) == set(first.changed_keys)


async def test_interrupted_backfill_resumes_where_it_stopped(wa_server, make_source):
    state = InMemoryFetchState()
    source = make_source(state)
    now = at("2022-07-01")
    entries = [e for e in await source.calendar(at("2022-05-01").date(), at("2022-06-30").date())
               if e.source_id in {"7174658", "7153964", "7153968"}]
    entries.sort(key=lambda e: e.start)
    # Eugene's second day keeps failing: the API goes down in the middle of the sync.
    wa_server.fail_when = lambda op, v: (503, {}) if v.get("competitionId") == 7153964 and v.get("day") == 2 else None
    committed = []
    async for batch in source.backfill(entries, now):
        committed.append(batch)
        await source.commit(batch)  # the store would do this after saving the rows
    assert [b.complete for b in committed] == [True, False]  # Birmingham done, Eugene cut short, Oslo not reached
    assert {r.event for r in committed[1].rows} == {"1500m", "High Jump"}  # Eugene day 1 made it
    assert await state.is_settled(7153964, 1) and not await state.is_settled(7153964, 2)
    assert not await state.is_settled(7153968, 1)

    wa_server.fail_when = None
    wa_server.requests.clear()
    rerun = make_source(state)  # a new process, same store
    resumed = [b async for b in rerun.backfill(entries, now)]
    assert results_requests(wa_server) == [(7153964, 2), (7153968, 1)]  # only what had not completed
    assert {r.competition for b in resumed for r in b.rows} == {"Prefontaine Classic", "Bislett Games"}
    assert all(b.complete for b in resumed)


async def test_competition_results_fetches_every_day(wa_server, make_source):
    source = make_source()
    rows = await source.competition_results(7153964)
    assert results_requests(wa_server) == [(7153964, None), (7153964, 2)]
    assert {r.event for r in rows} == {"1500m", "High Jump", "100m", "3000m SC"}
    assert {r.venue for r in rows} == {"Eugene"} and rows[0].series == ""  # no calendar seen yet
    assert await source.competition_results(1234) == []


async def test_search_and_athlete_season(wa_server, make_source):
    source = make_source()
    [hit] = await source.search_competitors("Nordås")
    assert (hit.wa_id, hit.name) == ("14705412", "Narve Gilje Nordås")
    assert await source.search_competitors("nobody") == []
    rows = await source.athlete_season("14705412", 2022)
    assert [(r.date.isoformat(), r.event, r.mark) for r in rows] == [
        ("2022-06-16", "5000m", "13:15.82"), ("2022-06-30", "3000m", "7:44.28")]
    assert [r["variables"] for r in wa_server.ops("GetSingleCompetitorResultsDate")] == [
        {"id": 14705412, "resultsByYear": 2022, "resultsByYearOrderBy": "date"}]


async def test_cancelled_and_unfollowed_competitions_are_not_fetched(wa_server, make_source):
    source = make_source(series=("Olympic Games",))
    batch = await source.poll(at("2022-06-20"))
    assert results_requests(wa_server) == []  # no Olympics in that window
    assert batch.rows == [] and batch.complete
    assert batch.next_poll == at("2022-06-20") + timedelta(seconds=900)
    followed = make_source(series=(), competitions=(7153968,))
    await followed.poll(at("2022-06-20"))
    assert results_requests(wa_server) == [(7153968, 1)]
    assert followed.health.next_poll == at("2022-06-20") + timedelta(seconds=900)


async def test_calendar_reads_every_page(wa_server, make_source):
    source = make_source()
    entries = await source.calendar(at("2021-07-14").date(), at("2022-06-26").date(), page_size=400)
    assert len(entries) == 951 and len({e.source_id for e in entries}) == 951
    assert [r["variables"]["offset"] for r in wa_server.ops("GetCalendarEvents")] == [0, 400, 800]
    assert wa_server.requests[0]["variables"]["startDate"] == "2021-07-14"
