"""HTTP mode as N identical replicas on one store (issue #16): two adapters, two ports, one store
(a SQLite file, a PostgreSQL schema). A request Slack retries (X-Slack-Retry-Num) may reach the
other replica; it is acknowledged there and not run again. (A plain replay: test_slack_replays.py.)"""
from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
from backends import open_store, store_target, pg_schema, pg_server, table_rows  # noqa: F401 (fixtures)
from cryptography.fernet import Fernet
from install_flow import install, until
from slack_requests import oauth_settings, post_slash, signed_headers, slack_settings, slash_form

from adapters.slack.adapter import SlackAdapter
from bot.core import Core

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def replicas(store_target, fake_slack, request):
    """Two adapters, each over a store of its own opened on one target (a SQLite file, or a
    PostgreSQL schema), as two processes behind a load balancer."""
    oauth = getattr(request, "param", False)
    key = Fernet.generate_key().decode()
    stores = [await open_store(store_target), await open_store(store_target)]
    pair = []
    for store in stores:
        settings = oauth_settings(fake_slack, token_key=key) if oauth else \
            slack_settings(fake_slack, "http", admins=("U0LISTED",))
        pair.append(SlackAdapter(Core(store), settings))
        await pair[-1].start()
    yield pair
    for adapter in pair:
        await adapter.stop()
    for store in stores:
        await store.close()


async def post(port: int, body: str, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as resp:
            return resp.status


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


async def subscriptions(adapter) -> list[tuple]:
    return await table_rows(adapter.core.store, "subscriptions", "channel, active")


async def workspaces(adapter) -> list[tuple]:
    return await table_rows(adapter.core.store, "installs", "workspace")


async def test_a_retry_answered_by_one_replica_is_not_answered_by_the_other(replicas, fake_slack):
    one, two = replicas
    form = slash_form(fake_slack, "/subscribe", "", user="U0LISTED", rid="sub")
    stamp = int(time.time())
    await post_slash(one.port, form, timestamp=stamp)
    body = urlencode(form)  # the same bytes, the same signature
    retry = {**signed_headers(body, timestamp=stamp), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await post(two.port, body, retry) == 200
    await fake_slack.wait_until(lambda: answers(fake_slack, "sub"))
    await asyncio.sleep(0.05)  # the answer is sent after the ack: time for a second one that must not come
    assert await subscriptions(two) == [("C0TRACK", 1)] and len(answers(fake_slack, "sub")) == 1


@pytest.mark.parametrize("replicas", [True], indirect=True)
async def test_a_late_retry_of_an_uninstall_does_not_undo_the_reinstall(replicas, fake_slack):
    """Slack retries an event as a new request, signed afresh; its event_id is what stays."""
    one, two = replicas
    fake_slack.redirect_uri = f"http://127.0.0.1:{one.port}/slack/oauth_redirect"
    await install(one, "T0ONE")
    event = json.dumps({"type": "event_callback", "team_id": "T0ONE", "api_app_id": "A0APP", "event_id": "Ev0UNINST",
                        "event": {"type": "app_uninstalled"}, "event_time": int(time.time())})
    assert await post(one.port, event, signed_headers(event, content_type="application/json")) == 200

    async def uninstalled() -> bool:
        return await workspaces(two) == []
    await until(uninstalled)
    fake_slack.redirect_uri = f"http://127.0.0.1:{two.port}/slack/oauth_redirect"
    await install(two, "T0ONE")  # installed again, through the other replica
    retry = {**signed_headers(event, timestamp=int(time.time()) + 1, content_type="application/json"),
             "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await post(two.port, event, retry) == 200
    await asyncio.sleep(0.05)  # bolt runs a listener after the ack: time for the uninstall it must not run
    assert await workspaces(one) == [("T0ONE",)]
