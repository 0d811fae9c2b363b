"""The `[discord]` config section, validated once at start-up.

The token comes only from the environment (`DISCORD_TOKEN`); this module never logs it and
keeps it out of `repr`, so a settings object can be printed safely.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

TOKEN_ENV = "DISCORD_TOKEN"
DEFAULT_API_BASE_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
# discord.py refuses a smaller max_ratelimit_timeout ("to prevent misuse and unnecessary bans").
MIN_RATELIMIT_WAIT = 30.0

_KEYS = {"enabled", "dev_guild", "shard_count", "api_base_url", "gateway_url",
         "defer_after", "sync_commands", "max_ratelimit_wait"}


class SettingsError(ValueError):
    """The `[discord]` section is wrong; the message names the key, never a secret."""


@dataclass(frozen=True)
class DiscordSettings:
    token: str = field(repr=False)
    # Guild to sync commands to instantly while developing; None syncs them globally.
    dev_guild: int | None = None
    # None: one gateway connection (discord.Client). N or "auto": AutoShardedClient.
    shard_count: int | Literal["auto"] | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    gateway_url: str = DEFAULT_GATEWAY_URL
    # Seconds to wait for the core before deferring; Discord's deadline is 3 s.
    defer_after: float = 2.0
    sync_commands: bool = True
    # A 429 asking to wait longer than this becomes Outcome.RETRY instead of a sleep.
    max_ratelimit_wait: float = MIN_RATELIMIT_WAIT


def parse_settings(section: Mapping[str, object], env: Mapping[str, str]) -> DiscordSettings | None:
    """Settings for the adapter, or None when it should not start (no token, or disabled)."""
    if "token" in section:
        raise SettingsError(f"[discord] token must not be in the config file; set {TOKEN_ENV} instead")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise SettingsError(f"[discord] unknown key(s): {', '.join(unknown)}")
    if not _bool(section, "enabled", True):
        return None
    token = (env.get(TOKEN_ENV) or "").strip()
    if not token:
        return None
    return DiscordSettings(
        token=token,
        dev_guild=_snowflake(section.get("dev_guild")),
        shard_count=_shards(section.get("shard_count")),
        api_base_url=_url(section, "api_base_url", DEFAULT_API_BASE_URL, ("http://", "https://")).rstrip("/"),
        gateway_url=_url(section, "gateway_url", DEFAULT_GATEWAY_URL, ("ws://", "wss://")),
        defer_after=_number(section, "defer_after", 2.0, low=0.0, high=2.5),
        sync_commands=_bool(section, "sync_commands", True),
        max_ratelimit_wait=_number(section, "max_ratelimit_wait", MIN_RATELIMIT_WAIT,
                                   low=MIN_RATELIMIT_WAIT, high=3600.0),
    )


def _bool(section: Mapping[str, object], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise SettingsError(f"[discord] {key} must be true or false")
    return value


def _snowflake(value: object) -> int | None:
    if value in (None, "", 0):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise SettingsError("[discord] dev_guild must be a guild id (digits)")
    return int(text)


def _shards(value: object) -> int | Literal["auto"] | None:
    if value in (None, "", 0):
        return None
    if value == "auto":
        return "auto"
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise SettingsError('[discord] shard_count must be a positive number or "auto"')


def _url(section: Mapping[str, object], key: str, default: str, schemes: tuple[str, ...]) -> str:
    value = section.get(key) or default
    if not isinstance(value, str) or not value.startswith(schemes):
        raise SettingsError(f"[discord] {key} must start with {' or '.join(schemes)}")
    return value


def _number(section: Mapping[str, object], key: str, default: float, *, low: float, high: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise SettingsError(f"[discord] {key} must be a number from {low:g} to {high:g}")
    return float(value)
