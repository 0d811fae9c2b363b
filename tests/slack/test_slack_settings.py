"""`[slack]` settings and `from_config`: validation, missing tokens, secrets kept out of logs."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.slack import from_config
from adapters.slack.settings import DEFAULT_API_BASE_URL, SettingsError, SlackSettings

ENV = {"SLACK_BOT_TOKEN": "xoxb-secret-1", "SLACK_APP_TOKEN": "xapp-secret-2", "SLACK_SIGNING_SECRET": "sig-secret-3"}


def test_defaults_are_socket_mode_and_slacks_api():
    s = SlackSettings.load({}, ENV)
    assert (s.mode, s.http_host, s.http_port, s.api_base_url) == ("socket", "127.0.0.1", 3000, DEFAULT_API_BASE_URL)
    assert s.admin_user_ids == frozenset() and s.missing_env() == []


def test_section_values_are_read_and_normalised():
    s = SlackSettings.load({"mode": "HTTP", "http_host": "0.0.0.0", "http_port": 8080,
                            "api_base_url": "http://127.0.0.1:9/api", "admin_user_ids": ["U1", " U2 "]}, ENV)
    assert (s.mode, s.http_host, s.http_port, s.api_base_url) == ("http", "0.0.0.0", 8080, "http://127.0.0.1:9/api/")
    assert s.admin_user_ids == {"U1", "U2"}


@pytest.mark.parametrize("section, key", [
    ({"mode": "rtm"}, "mode"), ({"http_port": "80"}, "http_port"), ({"http_port": 70000}, "http_port"),
    ({"api_base_url": "slack.com/api"}, "api_base_url"), ({"admin_user_ids": "U1"}, "admin_user_ids"),
])
def test_bad_values_name_the_key(section, key):
    with pytest.raises(SettingsError, match=key):
        SlackSettings.load(section, ENV)


@pytest.mark.parametrize("mode, env, missing", [
    ("socket", {}, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]),
    ("socket", {"SLACK_BOT_TOKEN": "xoxb-s1", "SLACK_SIGNING_SECRET": "sig-s2"}, ["SLACK_APP_TOKEN"]),
    ("http", {"SLACK_BOT_TOKEN": "xoxb-s3", "SLACK_APP_TOKEN": "xapp-s4"}, ["SLACK_SIGNING_SECRET"]),
    ("http", {"SLACK_BOT_TOKEN": "xoxb-s5", "SLACK_SIGNING_SECRET": " "}, ["SLACK_SIGNING_SECRET"]),
])
def test_missing_tokens_mean_no_adapter_and_a_log_line_naming_them(caplog, mode, env, missing):
    caplog.set_level(logging.INFO, logger="adapters.slack")
    assert from_config(object(), {"mode": mode}, env) is None
    assert all(name in caplog.text for name in missing)
    assert not any(v.strip() and v in caplog.text for v in env.values())


def test_adapter_is_built_when_tokens_are_there_and_secrets_never_show(caplog):
    caplog.set_level(logging.DEBUG)
    adapter = from_config(object(), {"mode": "http"}, ENV)
    assert adapter is not None and adapter.platform == "slack" and adapter.name == "slack"
    shown = repr(adapter.settings) + str(adapter.settings) + caplog.text
    assert not any(secret in shown for secret in ENV.values())


def test_without_tokens_slack_libraries_are_not_even_imported():
    # A fresh interpreter: this process imported slack_bolt long ago.
    code = ("import sys; from adapters.slack import from_config; assert from_config(None, {}, {}) is None; "
            "print(sorted(m for m in sys.modules if m.startswith(('slack_bolt', 'slack_sdk', 'aiohttp'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2], check=True)
    assert out.stdout.strip() == "[]"
