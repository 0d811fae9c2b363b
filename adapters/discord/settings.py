"""What the Discord adapter is configured with (built from `[discord]` and DISCORD_TOKEN by the
config loader in racebot/).

The token comes only from the environment; it stays out of `repr`, so a settings object can
be printed safely.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TOKEN_ENV = "DISCORD_TOKEN"
# discord.py refuses a smaller max_ratelimit_timeout ("to prevent misuse and unnecessary bans").
MIN_RATELIMIT_WAIT = 30.0


@dataclass(frozen=True)
class DiscordSettings:
    token: str = field(repr=False)
    # Guild to sync commands to instantly while developing; None syncs them globally.
    dev_guild: int | None = None
    # None: one gateway connection (discord.Client). N or "auto": AutoShardedClient.
    shard_count: int | Literal["auto"] | None = None
    # The shards this process runs (None: all of shard_count). Several processes, one token:
    # each runs some shards, and the one running shard 0 syncs the slash commands.
    shard_ids: tuple[int, ...] | None = None
    api_base_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    # Seconds to wait for the core before deferring; Discord's deadline is 3 s.
    defer_after: float = 2.0
    sync_commands: bool = True
    # A 429 asking to wait longer than this becomes Outcome.RETRY instead of a sleep.
    max_ratelimit_wait: float = MIN_RATELIMIT_WAIT

    @property
    def syncs_commands(self) -> bool:
        """One process syncs the commands: the one with shard 0 (all processes share them)."""
        return self.sync_commands and (self.shard_ids is None or 0 in self.shard_ids)
