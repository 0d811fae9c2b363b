"""`[slack]` settings and the adapter built from them: validation, missing tokens, secrets kept out of logs."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from racebot.config import Config, ConfigError, parse
from racebot.runner import build_adapters

ENV = {"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_APP_TOKEN": "xapp-secret-2", "SLACK_SIGNING_SECRET": "sig-secret-3"}


def settings(section: dict, env: dict):
    return parse({"slack": section}).slack.settings(env)


async def adapters(section: dict, env: dict, tmp_path) -> list:
    return await build_adapters(object(), Config(tmp_path / "db", parse({"slack": section}), env))


def test_defaults_are_socket_mode_and_slacks_api():
    s = settings({}, ENV)
    assert (s.mode, s.http_host, s.http_port, s.api_base_url) == ("socket", "127.0.0.1", 3000, "https://slack.com/api/")
    assert s.admin_user_ids == frozenset() and s.missing_env() == []


def test_section_values_are_read_and_normalised():
    s = settings({"mode": "HTTP", "http_host": "0.0.0.0", "http_port": 8080,
                            "api_base_url": "http://127.0.0.1:9/api", "admin_user_ids": ["U1", " U2 "]}, ENV)
    assert (s.mode, s.http_host, s.http_port, s.api_base_url) == ("http", "0.0.0.0", 8080, "http://127.0.0.1:9/api/")
    assert s.admin_user_ids == {"U1", "U2"}


@pytest.mark.parametrize("section, key", [
    ({"mode": "rtm"}, "mode"), ({"http_port": "80"}, "http_port"), ({"http_port": 70000}, "http_port"),
    ({"api_base_url": "slack.com/api"}, "api_base_url"), ({"admin_user_ids": "U1"}, "admin_user_ids"),
])
def test_bad_values_name_the_key(section, key):
    with pytest.raises(ConfigError, match=f"slack.{key}"):
        settings(section, ENV)


@pytest.mark.parametrize("mode, env, missing", [
    ("socket", {}, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]),
    ("socket", {"SLACK_BOT_TOKEN": "xoxb-s1", "SLACK_SIGNING_SECRET": "sig-s2"}, ["SLACK_APP_TOKEN"]),
    ("http", {"SLACK_BOT_TOKEN": "xoxb-s3", "SLACK_APP_TOKEN": "xapp-s4"}, ["SLACK_SIGNING_SECRET"]),
    ("http", {"SLACK_BOT_TOKEN": "xoxb-s5", "SLACK_SIGNING_SECRET": " "}, ["SLACK_SIGNING_SECRET"]),
])
async def test_missing_tokens_mean_no_adapter_and_a_log_line_naming_them(caplog, mode, env, missing, tmp_path):
    caplog.set_level(logging.INFO, logger="racebot.runner")
    assert await adapters({"mode": mode}, env, tmp_path) == []
    assert all(name in caplog.text for name in missing)
    assert not any(v.strip() and v in caplog.text for v in env.values())


async def test_adapter_is_built_when_tokens_are_there_and_secrets_never_show(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    [adapter] = await adapters({"mode": "http"}, ENV, tmp_path)
    assert adapter.platform == "slack" and adapter.name == "slack"
    shown = repr(adapter.settings) + str(adapter.settings) + caplog.text
    assert not any(secret in shown for secret in ENV.values())


def test_without_tokens_slack_libraries_are_not_even_imported():
    # A fresh interpreter: this process imported slack_bolt long ago.
    code = ("import asyncio, sys; from racebot.config import Config, parse; from racebot.runner import build_adapters; "
            "assert asyncio.run(build_adapters(None, Config('db', parse({}), {}))) == []; "
            "print(sorted(m for m in sys.modules if m.startswith(('slack_bolt', 'slack_sdk', 'aiohttp', 'discord'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2], check=True)
    assert out.stdout.strip() == "[]"


OAUTH_ENV = {"SLACK_CLIENT_SECRET": "client-secret-4", "SLACK_SIGNING_SECRET": "sig-secret-3",
             "SLACK_TOKEN_KEY": "key-secret-5"}


def test_the_install_flow_is_on_with_a_client_id_and_needs_no_bot_token():
    s = settings({"mode": "http", "client_id": "1111.2222"}, OAUTH_ENV)
    assert s.oauth and s.client_id == "1111.2222" and s.missing_env() == []
    assert settings({"mode": "http"}, {**ENV, "SLACK_CLIENT_ID": "3333.4444"}).client_id == "3333.4444"  # env wins
    assert not settings({"mode": "http"}, ENV).oauth  # one workspace, SLACK_BOT_TOKEN, as before
    assert settings({"mode": "http", "client_id": "1111.2222"}, ENV).missing_env() == ["SLACK_CLIENT_SECRET"]
    shown = repr(s) + str(s)
    assert not any(secret in shown for secret in OAUTH_ENV.values())


def test_the_install_flow_needs_http_mode_and_keeps_secrets_out_of_the_file():
    with pytest.raises(ConfigError, match='needs mode = "http"'):
        settings({"client_id": "1111.2222"}, OAUTH_ENV)
    with pytest.raises(ConfigError, match="SLACK_CLIENT_SECRET"):
        settings({"mode": "http", "client_id": "1111.2222", "client_secret": "in-the-file"}, OAUTH_ENV)
    with pytest.raises(ConfigError, match="slack.redirect_uri"):
        settings({"mode": "http", "redirect_uri": "bot.example.org/slack/oauth_redirect"}, OAUTH_ENV)


async def test_a_client_id_from_the_environment_in_socket_mode_is_named_and_ignored(caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="racebot.runner")
    [adapter] = await adapters({}, {**ENV, "SLACK_CLIENT_ID": "1111.2222"}, tmp_path)
    assert not adapter.settings.oauth and adapter.settings.mode == "socket"
    assert "SLACK_CLIENT_ID is set but not used" in caplog.text
