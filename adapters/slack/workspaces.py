"""Each workspace's Slack clients, built around its bot token: the one of `SLACK_BOT_TOKEN`, or
with the install flow the one each workspace's install left in the store.

A `Workspace` bundles what answering and posting use (the outbound choke point, the publisher,
users.info and the admin check); built once per token and reused, so each keeps its caches.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, Protocol

from adapters.slack.auth import AdminCheck
from adapters.slack.outbound import Outbound
from adapters.slack.publisher import SlackPublisher
from adapters.slack.sealing import NoToken  # noqa: F401 (what InstalledWorkspaces.get may raise)
from adapters.slack.users import Users

log = logging.getLogger(__name__)

KEPT_WORKSPACES = 1000  # clients (and their user caches) kept for the most recently active workspaces


@dataclass(frozen=True)
class Workspace:
    outbound: Outbound
    publisher: SlackPublisher
    users: Users | None
    admin: AdminCheck | None


class Workspaces(Protocol):
    async def get(self, team_id: str, token: str | None = None) -> Workspace | None:
        """The workspace's clients; `token` when bolt has just authorised the request with it.
        None when racebot is not installed there; NoToken when its token cannot be opened."""
        ...


class OneWorkspace:
    """Single-workspace mode: every team id gets the clients of `SLACK_BOT_TOKEN`."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    async def get(self, team_id: str, token: str | None = None) -> Workspace | None:
        return self._workspace


class InstalledWorkspaces:
    def __init__(self, build: Callable[[str], Workspace],
                 token_for: Callable[[str], Awaitable[str | None]], *, size: int = KEPT_WORKSPACES) -> None:
        self._build = build
        self._token_for = token_for  # None: not installed; raises NoToken when unreadable
        self._size = size
        # By token, not team: a reinstall brings a new token, and the old clients simply age out.
        self._built: OrderedDict[str, Workspace] = OrderedDict()

    async def get(self, team_id: str, token: str | None = None) -> Workspace | None:
        token = token or await self._token_for(team_id)
        if not token:
            return None
        workspace = self._built.get(token)
        if workspace is None:
            workspace = self._built[token] = self._build(token)
            while len(self._built) > self._size:
                self._built.popitem(last=False)
        self._built.move_to_end(token)
        return workspace
