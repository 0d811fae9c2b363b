"""The scheduler's generic Poller (bot/announce/poller.py) driving the World Athletics source through
MonitoredSource: rows stored by the Poller, fetch state, calendar and health kept by the wrapper."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.announce.poller import Poller
from bot.sources.alerts import FAILING
from bot.sources.worldathletics import MonitoredSource
from storage.sqlite import SqliteStore

pytestmark = pytest.mark.asyncio

NOW = datetime(2022, 6, 20, 20, tzinfo=timezone.utc)


async def test_poller_with_monitored_source_stores_rows_state_calendar_and_health(wa_server, make_source, clock,
                                                                                 tmp_path):
    store = await SqliteStore.open(tmp_path / "racebot.db")
    try:
        alerts = []

        async def on_alert(alert):
            alerts.append(alert)

        watched = MonitoredSource(make_source(store, retry_attempts=1), store, alert_after=timedelta(minutes=30),
                                  on_alert=on_alert)
        poller = Poller(watched, store)
        report = await poller.poll_once(NOW)
        assert not report.error and report.rows > 0 and report.data_changed
        assert await store.is_settled(7153968, 1)  # committed after the Poller stored the rows
        assert "Meeting de Paris" in {c.name for c in await store.competitions()}  # from the calendar
        [health] = await store.source_health()
        assert health.ok and health.last_success == NOW and health.next_poll == NOW + timedelta(seconds=900)

        wa_server.fail_when = lambda op, v: (502, {})
        wa_server.requests.clear()
        for minutes in (7 * 60, 7 * 60 + 31):  # the calendar is due again: the API is asked, and fails
            clock.now += 61
            await poller.poll_once(NOW + timedelta(minutes=minutes))
        assert wa_server.requests and [a.kind for a in alerts] == [FAILING]
        [health] = await store.source_health()
        assert health.failing_since == NOW + timedelta(hours=7) and health.alerted_since == health.failing_since
    finally:
        await store.close()
