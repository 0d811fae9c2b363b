"""Chat apps installed into workspaces (Slack's OAuth install flow), and the install flow's states.

The core never reads these: the Slack adapter keeps its installations here, in racebot's store, so
every replica sharing the store knows every workspace's token, and an install begun on one replica
can finish on another. The secret arrives already sealed by the adapter (encrypted when a key is
configured); the store only keeps it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


ORG_WIDE = "org:"  # an install for a whole organisation is kept under this prefix and the org's id


@dataclass(frozen=True)
class Install:
    platform: str  # "slack"
    org: str  # the enterprise (Slack Enterprise Grid) id, "" when none
    workspace: str  # the team id (unique across orgs), or ORG_WIDE + the org's id
    secret: str = field(repr=False)  # the bot token as the adapter sealed it: never shown
    details: str = "{}"  # JSON the adapter reads back (bot and app ids, scopes, names); no secrets
    installed_at: datetime | None = None


class Installs(Protocol):
    async def save_install(self, install: Install) -> None:
        """Adds the installation, or replaces the one of the same platform and workspace."""
        ...

    async def find_install(self, platform: str, workspace: str) -> Install | None: ...

    async def delete_install(self, platform: str, workspace: str) -> bool:
        """True when there was one to delete."""
        ...


class InstallStates(Protocol):
    """One-time values binding an install's start to its return (OAuth's `state`)."""

    async def issue_state(self, key: str, until: datetime, now: datetime) -> None:
        """Keeps `key` until `until`; states expired by `now` are forgotten on the way, so a page
        anyone may open (the install link) cannot grow the table beyond one expiry's worth."""
        ...

    async def consume_state(self, key: str, now: datetime) -> bool:
        """True once for a key issued and not yet past `until`; False for unknown, spent or expired.
        Expired keys are forgotten on the way."""
        ...
