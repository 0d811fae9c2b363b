"""Slack's own command names and phone-width answers, through real slack-bolt and the fake Slack.

Slack keeps /status (and /away, /remind, /dnd ...) for itself: the manifest declares none of them,
and racebot's /status is typed `/racebot status`, in HTTP and Socket Mode alike.
"""
from __future__ import annotations

import json
import re

import pytest
from slack_requests import post_slash, slash_form
from test_slack_socket import envelope

from adapters.slack.limits import violations
from adapters.slack.manifest import build
from adapters.slack.names import RESERVED, UMBRELLA

pytestmark = pytest.mark.asyncio
_BLOCK = re.compile(r"```\n(.*?)\n```", re.S)


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


def code_lines(message: dict) -> list[str]:
    """Lines inside the message's code blocks as a reader sees them (Slack decodes its entities)."""
    texts = [b["text"]["text"] for b in message["blocks"] if b.get("type") == "section" and "text" in b]
    return [line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            for text in texts for block in _BLOCK.findall(text) for line in block.split("\n")]


async def test_the_manifest_declares_no_command_slack_keeps_for_itself(shared_core):
    declared = [c["command"].lstrip("/") for c in build(shared_core.registry)["features"]["slash_commands"]]
    assert not set(declared) & RESERVED and {"status", "away", "remind", "dnd"} <= RESERVED
    assert "status" in shared_core.registry.names() and UMBRELLA in declared and "h2h" in declared
    umbrella = next(c for c in build(shared_core.registry)["features"]["slash_commands"] if c["command"] == "/racebot")
    assert "/racebot status" in umbrella["description"]


async def test_racebot_status_over_http(fake_slack, http_adapter):
    status, body, _ = await post_slash(http_adapter.port, slash_form(fake_slack, "/racebot", "status", rid="st"))
    assert (status, body) == (200, "")
    await fake_slack.wait_until(lambda: answers(fake_slack, "st"))
    [answer] = answers(fake_slack, "st")
    assert answer["blocks"][0]["text"]["text"] == "Source status" and violations(answer) == []


async def test_racebot_status_over_socket_mode(fake_slack, socket_adapter):
    await fake_slack.send_envelope(envelope(fake_slack, "env-status", "/racebot", "status", "st2"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "st2") and fake_slack.socket_acks)
    [answer] = answers(fake_slack, "st2")
    assert answer["blocks"][0]["text"]["text"] == "Source status" and violations(answer) == []
    assert fake_slack.socket_acks[0] == {"envelope_id": "env-status"}


async def test_answers_fit_a_phone_and_help_speaks_slack(fake_slack, socket_adapter):
    """Several commands end to end: every code block line at most 40 wide; /help lists /racebot status."""
    asked = {"h": ("/h2h", "Ingebrigtsen Cheruiyot"), "r": ("/results", "oslo 2024 1500m men"),
             "a": ("/athlete", "Josh Kerr"), "t": ("/top", "1500m 2022"), "n": ("/next", ""),
             "help": ("/racebot", "help"), "hs": ("/help", "status")}
    for rid, (command, text) in asked.items():
        await fake_slack.send_envelope(envelope(fake_slack, f"env-{rid}", command, text, rid))
    await fake_slack.wait_until(lambda: all(answers(fake_slack, rid) for rid in asked))
    tables = 0
    for rid in asked:
        for message in answers(fake_slack, rid):
            lines = code_lines(message)
            tables += bool(lines)
            assert all(len(line) <= 40 for line in lines), (rid, [line for line in lines if len(line) > 40])
    assert tables >= 5
    listing = json.dumps(answers(fake_slack, "help"), ensure_ascii=False)
    assert "/racebot status" in listing and "/status\\n" not in listing
    assert "Usage: /racebot status" in json.dumps(answers(fake_slack, "hs"))
