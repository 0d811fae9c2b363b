"""Discord adapter. Importing the package is cheap: discord.py loads with `adapter`."""
from __future__ import annotations

from typing import Any

from adapters.discord.settings import DiscordSettings, SettingsError

__all__ = ["DiscordAdapter", "DiscordSettings", "SettingsError", "from_config"]


def __getattr__(name: str) -> Any:
    if name in ("DiscordAdapter", "from_config"):
        from adapters.discord import adapter

        return getattr(adapter, name)
    raise AttributeError(name)
