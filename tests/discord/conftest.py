"""Fixtures for the Discord adapter tests: a fake Discord on loopback and real discord.py.

The root conftest provides `shared_core` (the run's read-only Core on the bundled store), `core`
(a Core over a copy of its own, for tests that write) and scrubs real tokens from the environment.
"""
from __future__ import annotations

import discord
import pytest

from adapters.discord import endpoints
from adapters.discord.adapter import DiscordAdapter
from fake_discord import GUILD_ID, TOKEN, FakeDiscord
from racebot.config import parse


@pytest.fixture
async def fake():
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
async def logged_in(fake: FakeDiscord):
    """A real discord.Client logged in to the fake over REST (no gateway)."""
    restore = endpoints.point_at(fake.api_base_url, fake.gateway_url)
    # No client-wide allowed_mentions here: the publisher must set them on each message itself.
    client = discord.Client(intents=discord.Intents(guilds=True), max_ratelimit_timeout=30.0)
    await client.login(TOKEN)
    yield client
    await client.close()
    restore()


@pytest.fixture
def make_adapter(fake: FakeDiscord, shared_core):
    """Build the real adapter from a `[discord]` section, through the config loader `racebot run`
    uses; over the shared core unless a test that writes hands in its own."""
    def make(core=shared_core, **section):
        section = {"dev_guild": GUILD_ID, "api_base_url": fake.api_base_url,
                   "gateway_url": fake.gateway_url, **section}
        return DiscordAdapter(core, parse({"discord": section}).discord.settings({"DISCORD_TOKEN": TOKEN}))
    return make


@pytest.fixture
async def discord_adapter(fake: FakeDiscord, make_adapter):
    adapter = make_adapter()
    await adapter.start()
    await fake.wait_connected()
    yield adapter
    await adapter.stop()


@pytest.fixture
async def everyone_athlete(core) -> None:
    """An athlete whose name is `@everyone`, imported through the core's own CSV path."""
    from bot.ingest.importer import import_rows
    from bot.ingest.interchange import read_csv

    csv = ("date,competition,venue,series,event,gender,round,race,place,athlete,country,mark\n"
           "2024-06-06,Test Meeting,Rome,,1500m,M,final,,1,@everyone,ITA,3:31.00\n"
           "2024-06-06,Test Meeting,Rome,,1500m,M,final,,2,Josh Kerr,GBR,3:31.50\n")
    await import_rows(core.store, read_csv(csv, "everyone.csv"), "everyone.csv")
    await core.start()  # reload the in-memory indexes
