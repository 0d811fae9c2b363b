"""Every command racebot offers, in the order /help lists them."""
from __future__ import annotations

from bot.commands import athlete, h2h, help, results, top, upcoming
from bot.commands.registry import Registry


def build_registry() -> Registry:
    registry = Registry()
    for module in (h2h, results, athlete, top, upcoming, help):
        registry.add(module.COMMAND)
    return registry
