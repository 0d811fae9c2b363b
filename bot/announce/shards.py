"""Which channels' announcements this process delivers when several processes share one bot.

Discord splits a bot's guilds over shards: a guild's events go to shard `(guild_id >> 22) %
shard_count`, and each process runs some of the shards (`[discord] shard_ids`). A process
delivers only to the channels of the guilds its shards hold, so one channel is only ever sent
to by one process, and its per-channel rate limit stays whole. A channel with no guild (a DM)
belongs to shard 0, as Discord routes it. The store filters due rows the same way
(`OutboxStore.due_rows(shards=...)`), so another shard's rows never fill this process's batch.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.announce.publishing import ChannelRef

SNOWFLAKE_SHIFT = 22  # a snowflake's creation time starts above bit 22; shards split on it


@dataclass(frozen=True)
class Shards:
    platform: str
    ids: tuple[int, ...]
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not self.ids or any(not 0 <= i < self.count for i in self.ids):
            raise ValueError(f"shards {self.ids} do not fit a shard count of {self.count}")

    @property
    def share(self) -> float:
        """This process's part of the bot: its part of the platform's global rate too."""
        return len(set(self.ids)) / self.count

    def owns(self, channel: ChannelRef) -> bool:
        return channel.platform != self.platform or shard_of(channel.workspace, self.count) in self.ids


def shard_of(workspace: str, count: int) -> int:
    guild = int(workspace) if workspace.isascii() and workspace.isdigit() else 0
    return (guild >> SNOWFLAKE_SHIFT) % count
