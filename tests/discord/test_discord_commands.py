"""Registry -> application command payloads, and interaction options -> Invocation."""
from __future__ import annotations

import pytest

from adapters.discord import commands, limits
from bot.commands.parsing import recognise, typed_args
from bot.commands.registry import Command, Kind, Param, Registry
from bot.errors import UserError
from fake_discord import command_problems


async def _noop(core, inv, ctx):  # the payload builder never runs handlers
    raise AssertionError("not called")


def _registry() -> Registry:
    """Shaped like the core's declarations (h2h, top, subscribe) to exercise every Kind."""
    reg = Registry()
    reg.add(Command("h2h", "Head-to-head record of two athletes", (
        Param("athlete_a", Kind.ATHLETE, "First athlete", autocomplete=True),
        Param("athlete_b", Kind.ATHLETE, "Second athlete", autocomplete=True),
        Param("event", Kind.EVENT, "Only this event", required=False, autocomplete=True),
        Param("season", Kind.SEASON, "Only this season", required=False),
        Param("finals_only", Kind.FLAG, "Finals only", required=False, choices=("finals",)),
    ), _noop))
    reg.add(Command("top", "Season's best marks " + "x" * 200, (
        Param("gender", Kind.GENDER, "Men or women", required=False, choices=("sex",)),
        Param("event", Kind.EVENT, "Event"),
        Param("count", Kind.NUMBER, "How many", required=False),
        Param("on", Kind.DATE, "", required=False),
    ), _noop))
    reg.add(Command("subscribe", "Announce results here", (
        Param("competition", Kind.COMPETITION, "Meeting", required=False, autocomplete=True),
    ), _noop, admin_only=True))
    return reg


def test_payload_types_choices_and_order():
    h2h, top, sub = commands.command_payloads(_registry())
    by = {o["name"]: o for o in h2h["options"]}
    assert [o["type"] for o in h2h["options"]] == [3, 3, 3, 4, 5]
    assert by["athlete_a"]["autocomplete"] and by["event"]["autocomplete"] and "autocomplete" not in by["season"]
    assert by["season"]["min_value"] == 1896 and "choices" not in by["finals_only"]
    assert [o["name"] for o in top["options"]] == ["event", "gender", "count", "on"]  # required first
    assert top["options"][1]["choices"] == [{"name": "Men", "value": "M"}, {"name": "Women", "value": "W"}]
    assert len(top["description"]) == 100 and top["description"].endswith("\u2026")
    assert top["options"][3]["description"] == "on"
    assert "default_member_permissions" not in h2h and h2h["contexts"] == [0, 1]
    assert sub["default_member_permissions"] == "16" and sub["contexts"] == [0]


def test_payload_passes_discords_limits():
    payload = commands.command_payloads(_registry())
    assert limits.command_problems(payload) == []
    assert command_problems(payload) == []


def test_limit_checks_catch_what_discord_refuses():
    bad = [{"name": "Head To Head", "description": "", "options": [
        {"name": f"o{i}", "description": "d", "required": i % 2 == 1} for i in range(26)]}]
    problems = limits.command_problems(bad)
    assert any("name must match" in p for p in problems)
    assert any("description must be" in p for p in problems)
    assert any("26 > 25 options" in p for p in problems)
    assert any("required option follows" in p for p in problems)


def test_options_become_a_canonical_invocation():
    # "1500 m" canonicalises exactly as the typed keyword event:1500m does in Slack and the console.
    h2h = _registry().get("h2h")
    inv = commands.invocation(h2h, [
        {"name": "athlete_a", "type": 3, "value": " Josh Kerr "},
        {"name": "athlete_b", "type": 3, "value": "Ingebrigtsen"},
        {"name": "event", "type": 3, "value": "1500 m"},
        {"name": "season", "type": 4, "value": 2024},
        {"name": "finals_only", "type": 5, "value": False},
    ])
    assert inv.command == "h2h"
    assert inv.args == {"athlete_a": "Josh Kerr", "athlete_b": "Ingebrigtsen", "event": recognise(Kind.EVENT, "event:1500m".split(":")[1]),
                        "season": 2024}
    assert typed_args(h2h, commands.invocation(h2h, [{"name": "finals_only", "type": 5, "value": True}])).finals_only


def test_a_bad_event_is_a_user_error():
    with pytest.raises(UserError, match="not a valid event"):
        commands.invocation(_registry().get("h2h"), [{"name": "event", "type": 3, "value": "1499 furlongs"}])


def test_focused_option_and_the_others_typed():
    param, partial, kind, others = commands.focused([
        {"name": "athlete_a", "type": 3, "value": "Josh Kerr"},
        {"name": "athlete_b", "type": 3, "value": "ingeb", "focused": True},
        {"name": "season", "type": 4, "value": 2024},
    ])
    assert (param, partial, kind) == ("athlete_b", "ingeb", 3)
    assert others == {"athlete_a": "Josh Kerr", "season": "2024"}
