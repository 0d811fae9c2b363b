"""Context.timezone from Slack's users.info `tz`: a subscription made in Slack shows times in the
asker's zone; the lookup is cached a day per user, bounded, and never holds an answer up long."""
from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone

import aiohttp
import pytest
from fake_slack import BOT_TOKEN
from slack_requests import post_slash, slash_form
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import render
from adapters.slack.users import ZONE_SECONDS, Users
from bot.announce.message import Announcer
from bot.announce.outbox import RESULT, OutboxItem

pytestmark = pytest.mark.asyncio


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


async def test_a_subscription_made_in_slack_shows_times_in_the_askers_zone(fake_slack, http_adapter, core):
    fake_slack.users["U0LISTED"] = {"tz": "Europe/Oslo"}
    await post_slash(http_adapter.port, slash_form(fake_slack, "/subscribe", "", user="U0LISTED", rid="sub"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "sub"))
    [sub] = await core.store.subscriptions()
    assert sub.timezone == "Europe/Oslo"
    with sqlite3.connect(core.store.path) as conn:
        [race_id] = conn.execute("SELECT id FROM races LIMIT 1").fetchone()
    at = datetime(2024, 6, 7, 19, 0, tzinfo=timezone.utc)
    item = OutboxItem(1, sub, race_id, 1, RESULT, "", at, at, "pending", 0, at)
    [message] = render(await Announcer(core.store).render(item))
    footer = message["blocks"][-1]["elements"][-1]["text"]
    # The clock alone, in each reader's zone (the date is the race's, beside it): one form, once.
    assert footer.endswith(f"Result in at <!date^{int(at.timestamp())}^{{time}}|21:00 CEST>")
    # A second command the same day asks Slack no more.
    await post_slash(http_adapter.port, slash_form(fake_slack, "/subscriptions", "", user="U0LISTED", rid="list"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "list"))
    assert len(fake_slack.called("users.info")) == 1


@pytest.fixture
async def client(fake_slack):
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_base_url, session=session)


async def test_zones_are_cached_a_day_and_the_cache_is_bounded(fake_slack, client):
    fake_slack.users.update({"U1": {"tz": "America/New_York"}, "U2": {"tz": "Asia/Tokyo"}, "U3": {}})
    now = [1000.0]
    users = Users(client, clock=lambda: now[0], size=2)
    assert [await users.timezone(u) for u in ("U1", "U1", "U2")] == ["America/New_York"] * 2 + ["Asia/Tokyo"]
    assert [c.args["user"] for c in fake_slack.called("users.info")] == ["U1", "U2"]
    fake_slack.users["U1"]["tz"] = "Europe/London"  # travelled: seen once the day is over
    now[0] += ZONE_SECONDS + 1
    assert await users.timezone("U1") == "Europe/London"
    assert await users.timezone("U3") == "UTC"  # no zone in the profile
    assert await users.timezone("U2") == "Asia/Tokyo"  # U2 was dropped for U3: asked again
    assert [c.args["user"] for c in fake_slack.called("users.info")] == ["U1", "U2", "U1", "U3", "U2"]


@pytest.mark.parametrize("trouble", ["unknown user", "not a zone", "slack fails", "slow"])
async def test_any_trouble_means_utc_and_no_long_wait(fake_slack, client, trouble):
    fake_slack.users["U1"] = {"tz": "Mars/Olympus_Mons" if trouble == "not a zone" else "Europe/Oslo"}
    if trouble == "slack fails":
        fake_slack.fail_next("users.info", 500, {"ok": False, "error": "internal_error"}, {})
    if trouble == "slow":
        fake_slack.delays["users.info"] = 1.0
    users = Users(client, zone_timeout=0.1)
    started = time.perf_counter()
    assert await users.timezone("U404" if trouble == "unknown user" else "U1") == "UTC"
    assert time.perf_counter() - started < 0.6
