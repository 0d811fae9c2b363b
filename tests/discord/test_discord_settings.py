"""The [discord] section: token only from the environment, validated once, never logged."""
from __future__ import annotations

import logging

import pytest

from racebot.config import Config, ConfigError, parse
from racebot.runner import build_adapters

SECRET = "MTIz.secret-token-value"


def settings(section: dict, env: dict):
    return parse({"discord": section}).discord.settings(env)


async def test_no_token_means_not_started_and_the_log_says_why(caplog, tmp_path):
    caplog.set_level(logging.INFO, "racebot.runner")
    assert await build_adapters(None, Config(tmp_path / "db", parse({"discord": {"dev_guild": "123"}}), {})) == []
    assert "Discord not started: DISCORD_TOKEN is not set" in caplog.text


async def test_disabled_section_is_not_started_even_with_a_token(caplog, tmp_path):
    caplog.set_level(logging.INFO, "racebot.runner")
    cfg = Config(tmp_path / "db", parse({"discord": {"enabled": False}}), {"DISCORD_TOKEN": SECRET})
    assert await build_adapters(None, cfg) == []
    assert "Discord not started: disabled in config" in caplog.text and SECRET not in caplog.text


def test_defaults_and_overrides():
    s = settings({}, {"DISCORD_TOKEN": f" {SECRET}\n"})
    assert s.token == SECRET and s.dev_guild is None and s.shard_count is None
    assert s.api_base_url == "https://discord.com/api/v10" and s.gateway_url == "wss://gateway.discord.gg/"
    s = settings({"dev_guild": 1100000000000000002, "shard_count": "auto",
                  "api_base_url": "http://proxy:8080/api/v10/", "gateway_url": "ws://gw:7878",
                  "defer_after": 1.5, "max_ratelimit_wait": 60}, {"DISCORD_TOKEN": SECRET})
    assert (s.dev_guild, s.shard_count, s.api_base_url) == (1100000000000000002, "auto", "http://proxy:8080/api/v10")
    assert (s.gateway_url, s.defer_after, s.max_ratelimit_wait) == ("ws://gw:7878", 1.5, 60.0)
    assert SECRET not in repr(s)
    assert settings({"dev_guild": " 123 ", "shard_count": 0}, {"DISCORD_TOKEN": SECRET}).dev_guild == 123
    assert settings({"dev_guild": "", "shard_count": 0}, {"DISCORD_TOKEN": SECRET}).shard_count is None


@pytest.mark.parametrize("section, message", [
    ({"token": SECRET}, "DISCORD_TOKEN"),
    ({"shard_cont": 2}, "unknown key"),
    ({"shard_count": -1}, "shard_count"),
    ({"dev_guild": "my-server"}, "dev_guild"),
    ({"dev_guild": True}, "dev_guild"),
    ({"api_base_url": "discord.com"}, "api_base_url"),
    ({"gateway_url": "https://gateway.discord.gg"}, "gateway_url"),
    ({"defer_after": 3}, "defer_after"),
    ({"max_ratelimit_wait": 5}, "max_ratelimit_wait"),
])
def test_bad_settings_are_refused_without_echoing_secrets(section, message):
    with pytest.raises(ConfigError, match=message) as err:
        settings(section, {"DISCORD_TOKEN": SECRET})
    assert SECRET not in str(err.value)
