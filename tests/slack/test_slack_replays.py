"""Item 14 of issue #13: a replayed Slack request is acknowledged and not run again, and a
timestamp that is not a number is a 401 (before: the replay ran a second time, and bolt's
own check answered 500). Real bolt HTTP path, signed requests, the real store."""
from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_requests import post_slash, signed_headers, slack_settings, slash_form

from adapters.slack.adapter import SlackAdapter

pytestmark = pytest.mark.asyncio


def subscriptions(core) -> int:
    with sqlite3.connect(core.store.path) as conn:
        return conn.execute("SELECT count(*) FROM subscriptions WHERE active = 1").fetchone()[0]


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


async def test_replayed_subscribe_is_acknowledged_and_not_run_again(fake_slack, http_adapter, core):
    form = slash_form(fake_slack, "/subscribe", "", user="U0LISTED", rid="sub")
    stamp = int(time.time())
    first = await post_slash(http_adapter.port, form, timestamp=stamp)
    await fake_slack.wait_until(lambda: answers(fake_slack, "sub"))
    again = await post_slash(http_adapter.port, form, timestamp=stamp)  # the same bytes, resent
    assert first[:2] == (200, "") and again[:2] == (200, "")
    assert subscriptions(core) == 1
    assert len(answers(fake_slack, "sub")) == 1
    # A new request (Slack signs each one afresh) still runs.
    await post_slash(http_adapter.port, slash_form(fake_slack, "/subscriptions", "", user="U0LISTED", rid="list"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "list"))


async def test_a_replay_to_another_replica_on_the_same_store_is_refused(fake_slack, http_adapter, core, open_copy):
    other_core = await open_copy(core.store.path)
    other = SlackAdapter(other_core, slack_settings(fake_slack, "http", admins=("U0LISTED",)))
    await other.start()
    try:
        form = slash_form(fake_slack, "/subscribe", "", user="U0LISTED", rid="sub")
        stamp = int(time.time())
        await post_slash(http_adapter.port, form, timestamp=stamp)
        assert (await post_slash(other.port, form, timestamp=stamp))[:2] == (200, "")
        await fake_slack.wait_until(lambda: answers(fake_slack, "sub"))
    finally:
        await other.stop()
    assert subscriptions(core) == 1 and len(answers(fake_slack, "sub")) == 1


@pytest.mark.parametrize("stamp", ["soon", "", "١٧٠٠٠٠٠٠٠٠", "+1700000000", " 1700000000", "1e9"])
async def test_a_timestamp_that_is_not_a_number_is_401(fake_slack, http_adapter, stamp):
    body = urlencode(slash_form(fake_slack, "/h2h", "Kerr Ingebrigtsen"))
    headers = {**signed_headers(body), "X-Slack-Request-Timestamp": stamp}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{http_adapter.port}/slack/events", data=body,
                                headers=headers) as resp:
            assert resp.status == 401
    assert fake_slack.responses == []


async def test_remembered_signatures_expire(core):
    now = datetime.now(timezone.utc)
    later = now + timedelta(minutes=6)
    assert await core.store.first_sighting("slack:v0=abc", now, now + timedelta(minutes=5))
    assert not await core.store.first_sighting("slack:v0=abc", now, now + timedelta(minutes=5))
    assert await core.store.first_sighting("slack:v0=abc", later, later + timedelta(minutes=5))  # forgotten
    with sqlite3.connect(core.store.path) as conn:
        assert conn.execute("SELECT count(*) FROM seen_requests").fetchone()[0] == 1
