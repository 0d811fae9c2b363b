"""Every command racebot offers, in the order /help lists them."""
from __future__ import annotations

from bot.commands import athlete, follow, h2h, help, results, status, subscriptions, top, upcoming
from bot.commands.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for command in (h2h.COMMAND, results.COMMAND, athlete.COMMAND, top.COMMAND, upcoming.COMMAND,
                    *subscriptions.COMMANDS, *follow.COMMANDS, status.COMMAND):
        registry.add(command)
    registry.add(help.command(registry))
    return registry
