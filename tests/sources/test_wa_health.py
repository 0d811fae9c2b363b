"""Source health kept in the store: /status through the real core, and the admin alert that is
sent once when the source has failed for long enough and once when it recovers, never more."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from bot.commands.registry import Context
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.sources.alerts import FAILING, RECOVERED, AlertSettings, alerted, decide_alert
from bot.sources.health import SourceHealth
from racebot.app import open_core
from racebot.config import Config, ConfigError, parse
from racebot.pipelines import build_announcements
from storage.sqlite import SqliteStore


T0 = datetime(2022, 6, 20, 20, tzinfo=timezone.utc)
AFTER = timedelta(minutes=30)


# --- the pure decision -------------------------------------------------------------------
def test_one_failing_alert_per_run_of_failures_and_one_recovery():
    h = SourceHealth("worldathletics")
    h.record_failure(T0, "HTTP 502")
    assert decide_alert(T0 + timedelta(minutes=29), h, AFTER) is None  # not long enough yet
    alert = decide_alert(T0 + timedelta(minutes=30), h, AFTER)
    assert alert.kind == FAILING and "HTTP 502" in alert.reply.plain_text()
    assert "World Athletics is failing" == alert.reply.title
    h = alerted(h, alert)
    h.record_failure(T0 + timedelta(hours=5), "HTTP 502")
    assert decide_alert(T0 + timedelta(hours=5), h, AFTER) is None  # the same run: told already

    h.record_success(T0 + timedelta(hours=6))
    back = decide_alert(T0 + timedelta(hours=6), h, AFTER)
    assert back.kind == RECOVERED and back.key != alert.key and "works again" in back.reply.plain_text()
    h = alerted(h, back)
    assert decide_alert(T0 + timedelta(hours=7), h, AFTER) is None and h.alerted_since is None

    h.record_failure(T0 + timedelta(hours=8), "timed out")  # a new run is news again, after the wait
    assert decide_alert(T0 + timedelta(hours=8, minutes=10), h, AFTER) is None
    assert decide_alert(T0 + timedelta(hours=8, minutes=30), h, AFTER).kind == FAILING


def test_a_short_failure_never_alerts():
    h = SourceHealth("worldathletics")
    h.record_failure(T0, "HTTP 503")
    h.record_success(T0 + timedelta(minutes=10))
    assert decide_alert(T0 + timedelta(hours=1), h, AFTER) is None


def test_alert_settings_from_the_alerts_section():
    s = parse({"alerts": {"channel": "slack:T01:C02", "failing_after_minutes": 45}}).alerts.settings()
    assert (s.channel.platform, s.channel.workspace, s.channel.channel) == ("slack", "T01", "C02")
    assert s.failing_after == timedelta(minutes=45)
    assert parse({}).alerts.settings() == AlertSettings()
    for bad, key in (({"channel": "C02"}, "channel"), ({"failing_after_minutes": 0}, "failing_after_minutes"),
                     ({"chanel": "slack:T:C"}, "chanel")):
        with pytest.raises(ConfigError, match=f"alerts.{key}: "):
            parse({"alerts": bad})


# --- through the poll step (Poller + MonitoredSource), persisted ----------------------------------
async def test_failing_source_alerts_once_survives_a_restart_and_recovers_once(wa_server, make_poller, clock, tmp_path):
    store = await SqliteStore.open(tmp_path / "racebot.db")
    try:
        wa_server.fail_when = lambda op, v: (502, {})  # the key rotated: 502 for weeks
        alerts = []

        async def on_alert(alert):
            alerts.append(alert)

        poller = make_poller(store, alert_after=AFTER, on_alert=on_alert, retry_attempts=1)
        for minutes in (0, 10, 20, 31, 40, 50):
            clock.now += 61  # past the breaker's pause: the API is really asked each time
            await poller.poll_once(T0 + timedelta(minutes=minutes))
            assert not poller.source.source.health.ok
        assert [a.kind for a in alerts] == [FAILING]

        restarted = make_poller(store, alert_after=AFTER, on_alert=on_alert, retry_attempts=1)  # a new process
        clock.now += 61  # carries on the stored run
        await restarted.poll_once(T0 + timedelta(hours=2))
        assert len(alerts) == 1 and restarted.source.source.health.failing_since == T0

        wa_server.fail_when = None
        clock.now += 61
        await restarted.poll_once(T0 + timedelta(hours=3))
        assert restarted.source.source.health.ok and [a.kind for a in alerts] == [FAILING, RECOVERED]
        clock.now += 61
        await restarted.poll_once(T0 + timedelta(hours=4))
        assert len(alerts) == 2
        [stored] = await store.source_health()
        assert stored.ok and stored.alerted_since is None and "HTTP 502" in stored.last_error
    finally:
        await store.close()


# --- /status ------------------------------------------------------------------------------
async def test_status_before_any_poll(db_copy, open_copy):
    core = await open_copy(db_copy, clock=lambda: T0)
    reply = await core.handle_text("/status", Context())
    assert not reply.error and "No live result source has polled yet" in reply.plain_text()


async def test_status_shows_last_success_last_error_and_next_poll(db_copy, open_copy):
    store = await SqliteStore.open(db_copy)
    failing = SourceHealth("worldathletics", last_success=T0 - timedelta(hours=2), last_error="HTTP 502 <!channel>",
                           last_error_at=T0 - timedelta(minutes=1), failing_since=T0 - timedelta(minutes=90),
                           next_poll=T0 + timedelta(minutes=1), circuit="open")
    await store.save_source_health(failing)
    await store.close()

    core = await open_copy(db_copy, clock=lambda: T0)
    reply = await core.handle_text("/status", Context())
    assert core.registry.get("status") is not None
    text = reply.plain_text()
    assert "World Athletics is failing since 2022-06-20 18:30 UTC (1 h 30 min). Paused after repeated" in text
    assert "Last successful poll: 2022-06-20 18:00 UTC (2 h ago)" in text
    assert "Last error: HTTP 502 <!channel> (2022-06-20 19:59 UTC)" in text  # escaped by each renderer
    assert "Next poll: 2022-06-20 20:01 UTC (in 1 min)" in text
    assert {m.fallback for m in reply.moments} == {"2022-06-20 18:30 UTC", "2022-06-20 18:00 UTC",
                                                    "2022-06-20 19:59 UTC", "2022-06-20 20:01 UTC",
                                                    "2022-06-20 20:00 UTC"}  # the footer's "As of"
    # Each time once, in one form: Discord's reader sees their own clock, and the text says how long ago.
    from adapters.discord.render import render as discord_render
    fields = {f["name"]: f["value"] for m in discord_render(reply) for e in m.embeds for f in e.get("fields", [])}
    assert fields["Last successful poll"] == f"<t:{int((T0 - timedelta(hours=2)).timestamp())}:f> (2 h ago)"
    # Where no token can go (the console, Slack's notification text) the asker's zone, when known.
    oslo = (await core.handle_text("/status", Context(timezone="Europe/Oslo"))).plain_text()
    assert "Last successful poll: 2022-06-20 20:00 CEST (2 h ago)" in oslo
    [data] = reply.data["sources"]
    assert data["ok"] is False and data["circuit"] == "open" and data["next_poll"] == "2022-06-20T20:01:00+00:00"


async def test_status_points_out_a_poller_that_stopped(db_copy, open_copy):
    store = await SqliteStore.open(db_copy)
    await store.save_source_health(SourceHealth("worldathletics", last_success=T0 - timedelta(hours=3),
                                                next_poll=T0 - timedelta(hours=2, minutes=45)))
    await store.close()
    core = await open_copy(db_copy, clock=lambda: T0)
    text = (await core.handle_text("/status", Context())).plain_text()
    assert "World Athletics is working." in text
    assert "overdue by 2 h 45 min: is racebot running?" in text


# --- the alert through racebot's own wiring ---------------------------------------------------
class AdminChannel:
    """A chat platform's publisher as `racebot run` hands it over: records what reaches it."""

    def __init__(self, platform: str) -> None:
        self.platform, self.sent = platform, []

    async def send(self, channel, reply, key, *, in_doubt_since=None):
        self.sent.append((channel, key, reply))
        return Delivery(Outcome.DELIVERED, message_id=key)


async def failing_polls(core, wa_server, tmp_path, alerts_channel: str, publisher: AdminChannel) -> None:
    """Two polls of a World Athletics answering 502, 31 minutes apart, through build_announcements."""
    wa_server.fail_when = lambda op, v: (502, {})
    now = [T0]
    cfg = Config(tmp_path / "racebot.db", parse({
        "sources": {"worldathletics": {"enabled": True, "endpoint": wa_server.url, "retry_attempts": 1}},
        "alerts": {"channel": alerts_channel, "failing_after_minutes": 30}}))
    built = await build_announcements(cfg, core, {publisher.platform: publisher}, has_chat=True, clock=lambda: now[0])
    try:
        poll = built.jobs.scheduler.get_job("poll:main:worldathletics")
        await poll.func()
        now[0] += timedelta(minutes=31)
        await poll.func()
    finally:
        await built.stop()


async def test_a_failing_source_alerts_the_admin_channel_once_with_a_stable_key(core, wa_server, tmp_path):
    admins = AdminChannel("slack")
    await failing_polls(core, wa_server, tmp_path, "slack:T1:C1", admins)
    [(channel, key, reply)] = admins.sent
    assert channel == ChannelRef("slack", "T1", "C1")
    assert key == f"source-alert:worldathletics:{FAILING}:{T0.isoformat()}"
    assert reply.title == "World Athletics is failing" and "HTTP 502" in reply.plain_text()


async def test_an_alert_for_a_platform_not_running_is_logged_not_lost_silently(core, wa_server, tmp_path, caplog):
    elsewhere = AdminChannel("slack")
    with caplog.at_level(logging.WARNING, logger="racebot.pipelines"):
        await failing_polls(core, wa_server, tmp_path, "discord:1:2", elsewhere)
    assert elsewhere.sent == []
    assert "source alert not sent: no discord adapter running" in caplog.messages
