"""Retries, Retry-After, circuit breaker, timeouts and payload validation, against the fake server.
Backoff waits are recorded (never slept) and the breaker reads an injected clock."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.sources.worldathletics import AuthRejected, CircuitOpen, PayloadInvalid, QueryFailed, Unavailable

pytestmark = pytest.mark.asyncio  # also without the project's asyncio_mode = "auto"

API_KEY = "test-key-0123456789"
NOW = datetime(2022, 6, 20, 20, tzinfo=timezone.utc)
JUNE = (date(2022, 6, 1), date(2022, 6, 30))


async def test_retries_503_with_jittered_backoff_then_succeeds(wa_server, make_source, sleeps):
    source = make_source(backoff_initial_seconds=1.0, backoff_max_seconds=30.0)
    wa_server.failures = [(503, {}), (503, {})]
    entries = await source.calendar(*JUNE, page_size=1000)
    assert len(entries) == 951
    assert len(wa_server.requests) == 3 and len(sleeps) == 2
    assert all(0 <= s <= 30 for s in sleeps)
    assert source.client.breaker.state == "closed"


async def test_429_waits_as_long_as_retry_after_says(wa_server, make_source, sleeps):
    source = make_source()
    wa_server.failures = [(429, {"Retry-After": "7"})]
    await source.calendar(*JUNE, page_size=1000)
    assert sleeps == [7.0] and len(wa_server.requests) == 2


async def test_a_retry_after_beyond_the_limit_gives_up_at_once(wa_server, make_source, sleeps):
    source = make_source(max_retry_after_seconds=120)
    wa_server.failures = [(429, {"Retry-After": "3600"})]
    with pytest.raises(Unavailable):
        await source.calendar(*JUNE)
    assert sleeps == [] and len(wa_server.requests) == 1


async def test_circuit_opens_and_a_dead_api_is_asked_at_most_once_a_minute(wa_server, make_source, clock):
    source = make_source(retry_attempts=3, breaker_failures=3, breaker_reset_seconds=60)
    wa_server.fail_when = lambda op, v: (503, {})
    with pytest.raises(Unavailable):
        await source.calendar(*JUNE)
    assert len(wa_server.requests) == 3 and source.client.breaker.state == "open"

    for _ in range(5):  # the scheduler keeps polling: nothing reaches the API
        batch = await source.poll(NOW)
        assert batch.rows == [] and "paused" in batch.errors[0]
    assert len(wa_server.requests) == 3
    assert source.health.circuit == "open" and source.health.failing_for(NOW + timedelta(minutes=5)) == timedelta(minutes=5)

    clock.now += 59
    with pytest.raises(CircuitOpen):
        await source.calendar(*JUNE)
    clock.now += 1  # a minute later: one trial request, which fails: open again, no retries
    with pytest.raises(Unavailable):
        await source.calendar(*JUNE)
    assert len(wa_server.requests) == 4 and source.client.breaker.state == "open"

    wa_server.fail_when = None
    clock.now += 60
    batch = await source.poll(NOW + timedelta(minutes=10))
    assert batch.complete and batch.rows and source.client.breaker.state == "closed"
    assert source.health.ok and source.health.last_success == NOW + timedelta(minutes=10)
    assert source.health.last_error  # kept for /status after recovery


async def test_malformed_payload_changes_nothing_and_is_logged_once(wa_server, make_source, caplog):
    caplog.set_level(logging.WARNING)
    source = make_source()
    broken = {"data": {"getCalendarCompetitionResults": {"eventTitles": [{"events": "oops"}]}}}
    wa_server.overrides[("GetCalendarCompetitionResults", 7153968, 1)] = broken
    first = await source.poll(NOW)
    assert [r for r in first.rows if r.competition == "Bislett Games"] == []
    assert not any(m.competition_id == 7153968 for m in first.marks)  # state will not move for it
    assert any("Bislett Games" in e and "unexpected payload" in e for e in first.errors)
    await source.commit(first)
    assert not await source.state.is_settled(7153968, 1)
    assert source.health.failing_since == NOW

    second = await source.poll(NOW + timedelta(hours=7))  # asked again, still broken
    assert second.rows == [] and second.errors
    invalid_logs = [r for r in caplog.records if "ignoring it" in r.getMessage()]
    assert len(invalid_logs) == 1 and "events should be a list" in invalid_logs[0].getMessage()
    assert "oops" in invalid_logs[0].getMessage()  # a short sample of what came

    del wa_server.overrides[("GetCalendarCompetitionResults", 7153968, 1)]
    fixed = await source.poll(NOW + timedelta(hours=14))
    assert {r.competition for r in fixed.rows} == {"Bislett Games"} and fixed.complete


async def test_non_json_and_graphql_errors_are_reported_not_retried(wa_server, make_source, sleeps):
    source = make_source()
    wa_server.overrides[("GetCalendarEvents",)] = "<html>maintenance</html>"
    with pytest.raises(PayloadInvalid):
        await source.calendar(*JUNE)
    wa_server.overrides[("GetCalendarEvents",)] = {"errors": [{"message": "Validation error of type FieldUndefined"}]}
    with pytest.raises(QueryFailed, match="FieldUndefined"):
        await source.calendar(*JUNE)
    wa_server.overrides[("GetCalendarEvents",)] = {"data": {"getCalendarEvents": {"hits": 1, "results": [{"id": "x"}]}}}
    with pytest.raises(PayloadInvalid, match=r"results\[0\]\.id"):
        await source.calendar(*JUNE)
    assert len(wa_server.requests) == 3 and sleeps == []
    assert source.client.breaker.state == "closed"  # the API answered: it is not down
    batch = await source.poll(NOW)  # a broken calendar in a poll: reported, nothing raised
    assert batch.rows == [] and batch.calendar_entries == [] and batch.errors[0].startswith("calendar: ")
    del wa_server.overrides[("GetCalendarEvents",)]
    assert (await source.poll(NOW + timedelta(minutes=15))).calendar_entries  # asked again next time


async def test_rejected_key_is_not_retried_and_never_shows_the_key(wa_server, make_source, caplog):
    caplog.set_level(logging.DEBUG)
    source = make_source()
    wa_server.fail_when = lambda op, v: (401, {})
    with pytest.raises(AuthRejected) as raised:
        await source.calendar(*JUNE)
    assert len(wa_server.requests) == 1
    assert "RACEBOT_WA_API_KEY" in str(raised.value)
    batch = await source.poll(NOW)
    assert batch.errors
    for text in (str(raised.value), caplog.text, source.health.last_error, repr(source.settings), *batch.errors):
        assert API_KEY not in text


async def test_every_request_has_a_timeout(wa_server, make_source, sleeps):
    source = make_source(timeout_seconds=0.2, retry_attempts=2)
    wa_server.delay = 1.5  # the server hangs; the client must not
    with pytest.raises(Unavailable, match="timed out"):
        await source.calendar(*JUNE)
    assert len(wa_server.requests) == 2 and len(sleeps) == 1
