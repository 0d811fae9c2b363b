"""Slack's side of the wire for tests: settings pointing at the fake, and signed slash-command POSTs."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import aiohttp
from fake_oauth import CLIENT_ID, CLIENT_SECRET
from fake_slack import APP_TOKEN, BOT_TOKEN, TEAM, FakeSlack

from adapters.slack.settings import SlackSettings
from racebot.config import parse

SIGNING_SECRET = "test-signing-secret"


def slack_settings(fake: FakeSlack, mode: str, admins: tuple[str, ...] = ()) -> SlackSettings:
    section = {"mode": mode, "http_host": "127.0.0.1", "http_port": 0, "api_base_url": fake.api_base_url,
               "admin_user_ids": list(admins)}
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    return parse({"slack": section}).slack.settings(env)


def oauth_settings(fake: FakeSlack, *, token_key: str = "") -> SlackSettings:
    """HTTP mode with the install flow: no SLACK_BOT_TOKEN, each workspace's token from its install."""
    section = {"mode": "http", "http_host": "127.0.0.1", "http_port": 0, "api_base_url": fake.api_base_url,
               "client_id": CLIENT_ID}
    env = {"SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_TOKEN_KEY": token_key}
    return parse({"slack": section}).slack.settings(env)


def slash_form(fake: FakeSlack, command: str, text: str, *, user: str = "U0FAN", rid: str = "r1",
               channel: str = "C0TRACK", team: str = TEAM) -> dict[str, str]:
    """The form fields Slack POSTs for a slash command, in Slack's order."""
    return {
        "token": "legacy-verification-token", "team_id": team, "team_domain": "athletics",
        "channel_id": channel, "channel_name": "track", "user_id": user, "user_name": "fan",
        "command": command, "text": text, "api_app_id": "A0APP", "is_enterprise_install": "false",
        "response_url": fake.response_url(rid), "trigger_id": f"1337.42.{rid}",
    }


def signed_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


async def post_event(port: int, team: str, event: dict, *, event_id: str = "Ev0001") -> int:
    """An Events API delivery (event_callback, JSON), signed; the HTTP status of the ack."""
    body = json.dumps({"type": "event_callback", "team_id": team, "api_app_id": "A0APP", "event": event,
                       "event_id": event_id, "event_time": int(time.time()), "authorizations": [
                           {"enterprise_id": None, "team_id": team, "is_bot": True, "user_id": f"U0BOT{team}"}]})
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                                headers=signed_headers(body, content_type="application/json")) as resp:
            return resp.status


async def post_interactive(port: int, payload: dict) -> int:
    """POST an interaction payload (block_actions) to the events URL as Slack does: a form with one
    field, `payload`, holding the JSON; signed like every request. The HTTP status of the ack."""
    body = urlencode({"payload": json.dumps(payload)})
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                                headers=signed_headers(body)) as resp:
            return resp.status


async def post_slash(port: int, form: dict[str, str], **sign) -> tuple[int, str, float]:
    """POST a slash command to the adapter as Slack would; (status, body, seconds until the ack)."""
    body = urlencode(form)
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                                headers=signed_headers(body, **sign)) as resp:
            text = await resp.text()
            return resp.status, text, time.perf_counter() - started
