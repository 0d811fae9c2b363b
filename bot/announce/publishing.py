"""Where replies go: channel names and the contract every adapter's publisher keeps."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from bot.replies import Reply


USER_PREFIX = "user:"


@dataclass(frozen=True)
class ChannelRef:
    platform: str  # "discord", "slack", "console"
    workspace: str  # guild id, team id, or "" for the console
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.channel}"

    @classmethod
    def for_user(cls, platform: str, workspace: str, user_id: str) -> "ChannelRef":
        """A person's direct messages: the publisher opens the DM itself (Discord's create-DM,
        Slack's conversations.open). Slack users belong to a workspace; Discord's do not."""
        return cls(platform, workspace if platform == "slack" else "", f"{USER_PREFIX}{user_id}")

    @property
    def user_id(self) -> str:
        """The person a direct-message ref names, or "" for a channel."""
        return self.channel[len(USER_PREFIX):] if self.channel.startswith(USER_PREFIX) else ""

    @classmethod
    def parse(cls, text: str) -> "ChannelRef":
        platform, workspace, channel = text.split(":", 2)
        return cls(platform, workspace, channel)


class Outcome(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"  # try again after `retry_after` seconds (0: the platform named no time)
    GONE = "gone"  # channel deleted or bot removed: stop sending there
    REJECTED = "rejected"  # the platform refused the message: a bug, log it


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_after: float = 0.0
    detail: str = ""
    message_id: str = ""
    # RETRY only: the request may have been carried out all the same (a 5xx, a timeout, a dropped
    # connection), as opposed to refused before any work (a 429, a 4xx, nothing sent at all).
    maybe_posted: bool = False


class Publisher(Protocol):
    platform: str

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        """Post `reply`; `key` is an idempotency key: the same key must never post twice.

        `in_doubt_since` (given only then): an attempt with this key since that time may have
        posted, perhaps from another process; look in the channel for it before posting, and
        answer DELIVERED with what was found, or RETRY when the channel cannot be read now.

        A reply is not changed once made: a fan-out hands one object to many channels, and a
        publisher may keep its rendering for the next one."""
        ...
