"""Which racebot commands Slack can route to us by their own name, and which live under /racebot.

Slack keeps its built-in commands for itself: a workspace never sends `/status` or `/remind` to
an app, and an app manifest declaring one is refused. So a racebot command named like a built-in
is typed after the umbrella (`/racebot status`), and every command also works there.
"""
from __future__ import annotations

from bot.commands.registry import Registry, Syntax

UMBRELLA = "racebot"  # `/racebot h2h Kerr Ingebrigtsen`, for workspaces that want one command
# Slack's built-in slash commands (its help centre's list, "Use built-in slash commands").
RESERVED = frozenset({
    "active", "apps", "archive", "away", "call", "clear", "collapse", "dm", "dnd", "expand", "feed",
    "feedback", "giphy", "invite", "join", "kick", "leave", "me", "msg", "mute", "open", "remind",
    "remove", "rename", "search", "shortcuts", "shrug", "star", "status", "topic", "who",
})

# Too general a word to take as a workspace's own slash command: `/racebot forget me` only.
UMBRELLA_ONLY = frozenset({"forget"})


def under_umbrella(registry: Registry) -> frozenset[str]:
    """The racebot commands Slack would not route by their own name, or that we keep under it."""
    return frozenset(name for name in registry.names() if name in RESERVED | UMBRELLA_ONLY)


def slash_names(registry: Registry) -> list[str]:
    """The slash commands racebot declares on Slack: its own names where free, and the umbrella."""
    names = [name for name in registry.names() if name not in RESERVED | UMBRELLA_ONLY]
    return names if UMBRELLA in names else names + [UMBRELLA]


def syntax(registry: Registry) -> Syntax:
    return Syntax(umbrella=UMBRELLA, under_umbrella=under_umbrella(registry))
