"""The core's command registry as Discord application commands, and interaction options back.

One source of truth: every slash command, option and permission here is derived from
`core.registry`; nothing is declared twice.
"""
from __future__ import annotations

from typing import Any

from bot.commands.parsing import check_command, checked_value
from bot.commands.registry import Command, Invocation, Kind, Param, Registry

from adapters.discord import escape, limits

# https://discord.com/developers/docs/interactions/application-commands#application-command-object
CHAT_INPUT = 1
STRING, INTEGER, BOOLEAN = 3, 4, 5
GUILD, BOT_DM = 0, 1  # interaction contexts
GUILD_INSTALL = 0
MANAGE_CHANNELS = 1 << 4

_GENDER_CHOICES = ({"name": "Men", "value": "M"}, {"name": "Women", "value": "W"})


def command_payloads(registry: Registry) -> list[dict]:
    """The bulk-overwrite body for PUT /applications/{id}/commands."""
    return [command_payload(c) for c in registry]


def command_payload(cmd: Command) -> dict:
    # Discord requires required options first; keep the registry's order otherwise.
    params = sorted(cmd.params, key=lambda p: not p.required)
    payload: dict[str, Any] = {
        "name": cmd.name,
        "type": CHAT_INPUT,
        "description": _description(cmd.description, cmd.name),
        "options": [option_payload(p) for p in params],
        "integration_types": [GUILD_INSTALL],
        # Admin commands act on a server channel, so they make no sense in a DM.
        "contexts": [GUILD] if cmd.admin_only else [GUILD, BOT_DM],
    }
    if cmd.admin_only:
        # Hides the command from members without Manage Channels; the core checks again.
        payload["default_member_permissions"] = str(MANAGE_CHANNELS)
    return payload


def option_payload(p: Param) -> dict:
    option: dict[str, Any] = {"name": p.name, "type": option_type(p.kind),
                              "description": _description(p.description, p.name),
                              "required": p.required}
    if p.kind == Kind.GENDER:
        option["choices"] = list(_GENDER_CHOICES)
    elif p.kind == Kind.CHOICE:
        option["choices"] = [{"name": c, "value": c} for c in p.choices]
    elif p.autocomplete and option["type"] != BOOLEAN:
        option["autocomplete"] = True
    if p.kind == Kind.SEASON:
        option.update(min_value=1896, max_value=2100)  # the first modern Olympics onwards
    elif p.kind == Kind.NUMBER:
        option["min_value"] = 0
    elif p.kind == Kind.PAGE:
        option.update(min_value=1, max_value=999_999)  # what page:N takes typed (bot.commands.parsing)
    return option


def option_type(kind: Kind) -> int:
    if kind == Kind.FLAG:
        return BOOLEAN
    if kind in (Kind.SEASON, Kind.NUMBER, Kind.PAGE):
        return INTEGER
    return STRING


def invocation(cmd: Command, options: list[dict]) -> Invocation:
    """Interaction options as the core's Invocation, checked and typed like typed keywords.

    Raises UserError for a value the core would not accept (e.g. event "1499m").
    """
    check_command(" ".join(str(o.get("value", "")) for o in options))  # as if typed, like on Slack
    args: dict[str, Any] = {}
    for opt in options:
        p = cmd.param(opt.get("name", ""))
        value = opt.get("value")
        if p is None or value is None:
            continue
        if p.kind == Kind.FLAG:
            if value is True or str(value).lower() == "true":
                args[p.name] = True
            continue
        text = str(value).strip()
        if not text:
            continue
        args[p.name] = checked_value(p, text)
    return Invocation(cmd.name, args)


def focused(options: list[dict]) -> tuple[str, str, int, dict[str, str]]:
    """For an autocomplete interaction: (param, partial text, option type, other options typed)."""
    param, partial, kind = "", "", STRING
    others: dict[str, str] = {}
    for opt in options:
        if opt.get("focused"):
            param, partial, kind = opt["name"], str(opt.get("value", "")), opt.get("type", STRING)
        elif opt.get("value") not in (None, ""):
            others[opt["name"]] = str(opt["value"])
    return param, partial, kind, others


def _description(text: str, fallback: str) -> str:
    # Plain text in Discord's UI: no escaping, only the length limit.
    return escape.clip(" ".join((text or fallback).split()), limits.COMMAND_DESCRIPTION)
