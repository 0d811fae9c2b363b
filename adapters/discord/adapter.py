"""The Discord adapter: one discord.py client, slash commands from the registry, a publisher.

Lifecycle: start() points discord.py at the configured endpoints, logs in over REST, syncs
the commands, then runs the gateway in a background task; stop() closes it all again.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

import aiohttp
import discord

from bot.errors import NotStarted, Unreachable
from bot.announce.publishing import ChannelRef, Delivery
from bot.replies import Reply

from adapters.discord import endpoints, limits
from adapters.discord.commands import command_payloads
from adapters.discord.interactions import Interactions
from adapters.discord.outbound import NO_MENTIONS
from adapters.discord.publisher import ChannelPublisher
from adapters.discord.settings import TOKEN_ENV, DiscordSettings

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)


def _reason(exc: BaseException) -> str:
    """One short line for the operator: the error's kind and its first line, never a token."""
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class DiscordAdapter:
    platform = "discord"

    def __init__(self, core: "Core", settings: DiscordSettings, *, name: str = "discord") -> None:
        self.name = name
        self.core = core
        self.settings = settings
        self.interactions = Interactions(core, defer_after=settings.defer_after)
        self._publisher = ChannelPublisher()
        self._client: discord.Client | None = None
        self._gateway: asyncio.Task | None = None
        self._restore_endpoints: Callable[[], None] | None = None

    @property
    def client(self) -> discord.Client | None:
        return self._client

    async def start(self) -> None:
        payload = command_payloads(self.core.registry)
        problems = limits.command_problems(payload)
        if problems:  # a registry Discord would refuse: fail at start, not at sync
            raise ValueError("commands Discord would reject: " + "; ".join(problems))
        self._restore_endpoints = endpoints.point_at(self.settings.api_base_url, self.settings.gateway_url)
        client = self._client = self._make_client()
        try:
            await client.login(self.settings.token)
            if self.settings.shard_count == "auto":
                # Ask for the recommended count ourselves: left to discord.py, it would also
                # take Discord's gateway URL and bypass a configured gateway proxy.
                client.shard_count, _, _ = await client.http.get_bot_gateway()
            if self.settings.syncs_commands:
                await self._sync(client, payload)
            elif self.settings.sync_commands:
                log.info("Discord commands left to the process running shard 0")
        except discord.LoginFailure:
            await self.stop()
            raise NotStarted(f"Discord rejected {TOKEN_ENV}: check the bot token") from None
        except (OSError, aiohttp.ClientError, asyncio.TimeoutError, discord.DiscordServerError) as exc:
            await self.stop()
            raise Unreachable(f"cannot reach Discord ({_reason(exc)})") from None
        except BaseException:
            await self.stop()
            raise
        self._publisher.client = client
        self._gateway = asyncio.create_task(self._run_gateway(client), name="discord-gateway")
        log.info("Discord adapter started as %s (%d commands)", client.user, len(payload))

    async def stop(self) -> None:
        self._publisher.client = None
        client, self._client = self._client, None
        if client is not None:
            await client.close()
        await self.interactions.close()
        gateway, self._gateway = self._gateway, None
        if gateway is not None:
            try:
                await asyncio.wait_for(gateway, timeout=10)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                gateway.cancel()
        if self._restore_endpoints is not None:
            self._restore_endpoints()
            self._restore_endpoints = None

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        return await self._publisher.send(channel, reply, key, in_doubt_since=in_doubt_since)

    def _make_client(self) -> discord.Client:
        # racebot never joins a voice channel: discord.py's warnings that voice libraries are
        # missing (PyNaCl, davey) concern nobody running it, so they are switched off.
        for flag in ("warn_nacl", "warn_dave"):
            if hasattr(discord.VoiceClient, flag):
                setattr(discord.VoiceClient, flag, False)
        # Interactions need no intents; `guilds` (not privileged) keeps channel caches right.
        intents, wait = discord.Intents(guilds=True), self.settings.max_ratelimit_wait
        shards = self.settings.shard_count
        options: dict[str, Any] = {"intents": intents, "allowed_mentions": NO_MENTIONS, "max_ratelimit_timeout": wait}
        if shards is None:
            client = discord.Client(**options)
        else:
            if self.settings.shard_ids is not None:  # this process runs only these of the bot's shards
                options["shard_ids"] = list(self.settings.shard_ids)
            client = discord.AutoShardedClient(shard_count=None if shards == "auto" else shards, **options)

        async def on_interaction(interaction: discord.Interaction) -> None:
            await self.interactions.handle(interaction)

        client.event(on_interaction)
        return client

    async def _sync(self, client: discord.Client, payload: list[dict]) -> None:
        app_id = client.application_id
        assert app_id is not None  # set at login, which comes first
        guild = self.settings.dev_guild
        if guild:
            await client.http.bulk_upsert_guild_commands(app_id, guild, payload)
        else:
            # Global commands reach every server; the same payload again is a no-op for Discord.
            await client.http.bulk_upsert_global_commands(app_id, payload)
        log.info("synced %d Discord commands %s", len(payload), f"to guild {guild}" if guild else "globally")

    async def _run_gateway(self, client: discord.Client) -> None:
        try:
            await client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except discord.PrivilegedIntentsRequired:
            log.error("Discord refused the connection: racebot asks for no privileged intents")
        except discord.ConnectionClosed as exc:
            hint = ' (sharding required: set shard_count = "auto")' if exc.code == 4011 else ""
            log.error("Discord gateway closed with %s%s", exc.code, hint)
        except Exception:
            log.exception("Discord gateway stopped")
