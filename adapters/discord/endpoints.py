"""Where discord.py sends REST calls and opens the gateway: the one place they are set.

Large bots point these at an HTTP rate-limit proxy and a gateway proxy; the tests point them
at a fake Discord on loopback. Both are class attributes in discord.py, i.e. process-wide.
"""
from __future__ import annotations

from typing import Callable

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def point_at(api_base_url: str, gateway_url: str) -> Callable[[], None]:
    """Use these endpoints; returns a function that puts the previous ones back."""
    previous = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    Route.BASE = api_base_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = previous

    return restore
