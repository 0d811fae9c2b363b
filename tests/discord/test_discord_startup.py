"""The Discord adapter's start-up: an unreachable Discord is Unreachable (the runner retries it),
and discord.py's warnings about voice libraries, which concern no racebot user, are not logged."""
from __future__ import annotations

import logging
import socket

import discord

from bot.errors import Unreachable


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_discord_start_says_unreachable_and_warns_nothing_of_voice(make_adapter, caplog, monkeypatch):
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)  # as in a fresh process
    adapter = make_adapter(api_base_url=f"http://127.0.0.1:{closed_port()}/api/v10")
    caplog.set_level(logging.WARNING)
    try:
        await adapter.start()
    except Unreachable as exc:
        assert str(exc).startswith("cannot reach Discord (")
    else:
        raise AssertionError("started against a closed port")
    assert not [r for r in caplog.records if "voice" in r.getMessage()]
    assert adapter.client is None  # closed again: nothing left open
