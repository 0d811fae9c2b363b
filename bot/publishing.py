"""Where replies go: channel names and the contract every adapter's publisher keeps."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.replies import Reply


@dataclass(frozen=True)
class ChannelRef:
    platform: str  # "discord", "slack", "console"
    workspace: str  # guild id, team id, or "" for the console
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.channel}"

    @classmethod
    def parse(cls, text: str) -> "ChannelRef":
        platform, workspace, channel = text.split(":", 2)
        return cls(platform, workspace, channel)


class Outcome(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # try again after `retry_after` seconds
    GONE = "gone"  # channel deleted or bot removed: stop sending there
    REJECTED = "rejected"  # the platform refused the message: a bug, log it


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_after: float = 0.0
    detail: str = ""
    message_id: str = ""


class Publisher(Protocol):
    platform: str

    async def send(self, channel: ChannelRef, reply: Reply, key: str) -> Delivery:
        """Post `reply`; `key` is an idempotency key: the same key must never post twice.

        A reply is not changed once made: a fan-out hands one object to many channels, and a
        publisher may keep its rendering for the next one."""
        ...
