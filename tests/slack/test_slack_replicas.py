"""HTTP mode as N identical replicas on one store (issue #16): two adapters, two ports, one
SQLite file. A request Slack retries (X-Slack-Retry-Num) may reach the other replica; it is
acknowledged there and not run again. (A plain replay across replicas: test_slack_replays.py.)"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
from cores import writable_core
from cryptography.fernet import Fernet
from install_flow import install, installs, until
from slack_requests import oauth_settings, post_slash, signed_headers, slack_settings, slash_form

from adapters.slack.adapter import SlackAdapter

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def replicas(results_only_core, fake_slack, request):
    """Two adapters over two cores of one store file, as two processes behind a load balancer."""
    oauth = getattr(request, "param", False)
    key = Fernet.generate_key().decode()
    second = await writable_core(results_only_core, results_only_core.store.path)
    pair = []
    for core in (results_only_core, second):
        settings = oauth_settings(fake_slack, token_key=key) if oauth else \
            slack_settings(fake_slack, "http", admins=("U0LISTED",))
        pair.append(SlackAdapter(core, settings))
        await pair[-1].start()
    yield pair
    for adapter in pair:
        await adapter.stop()
    await second.store.close()


async def post(port: int, body: str, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as resp:
            return resp.status


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


def subscriptions(core) -> int:
    with sqlite3.connect(core.store.path) as conn:
        return conn.execute("SELECT count(*) FROM subscriptions WHERE active = 1").fetchone()[0]


async def test_a_retry_answered_by_one_replica_is_not_answered_by_the_other(replicas, results_only_core, fake_slack):
    one, two = replicas
    form = slash_form(fake_slack, "/subscribe", "", user="U0LISTED", rid="sub")
    stamp = int(time.time())
    await post_slash(one.port, form, timestamp=stamp)
    body = urlencode(form)  # the same bytes, the same signature
    retry = {**signed_headers(body, timestamp=stamp), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await post(two.port, body, retry) == 200
    await fake_slack.wait_until(lambda: answers(fake_slack, "sub"))
    await asyncio.sleep(0.05)  # the answer is sent after the ack: time for a second one that must not come
    assert subscriptions(results_only_core) == 1 and len(answers(fake_slack, "sub")) == 1


@pytest.mark.parametrize("replicas", [True], indirect=True)
async def test_a_late_retry_of_an_uninstall_does_not_undo_the_reinstall(replicas, results_only_core, fake_slack):
    """Slack retries an event as a new request, signed afresh; its event_id is what stays."""
    one, two = replicas
    fake_slack.redirect_uri = f"http://127.0.0.1:{one.port}/slack/oauth_redirect"
    await install(one, "T0ONE")
    event = json.dumps({"type": "event_callback", "team_id": "T0ONE", "api_app_id": "A0APP", "event_id": "Ev0UNINST",
                        "event": {"type": "app_uninstalled"}, "event_time": int(time.time())})
    assert await post(one.port, event, signed_headers(event, content_type="application/json")) == 200
    await until(lambda: installs(results_only_core) == [])
    fake_slack.redirect_uri = f"http://127.0.0.1:{two.port}/slack/oauth_redirect"
    await install(two, "T0ONE")  # installed again, through the other replica
    retry = {**signed_headers(event, timestamp=int(time.time()) + 1, content_type="application/json"),
             "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await post(two.port, event, retry) == 200
    await asyncio.sleep(0.05)  # bolt runs a listener after the ack: time for the uninstall it must not run
    assert [team for _, team, _ in installs(results_only_core)] == ["T0ONE"]
