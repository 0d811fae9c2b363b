"""Buttons and menus through real slack-bolt against the fake Slack, in both modes: a slash answer
carries an `actions` block; a click comes as block_actions (a signed form POST to /slack/events,
or a Socket Mode `interactive` envelope), is acked, and is answered through the click's
response_url: the message replaced, or a private word to the clicker."""
from __future__ import annotations

import json
import re
import time

import pytest
from slack_requests import post_interactive, post_slash, slash_form

from adapters.slack.limits import violations

pytestmark = pytest.mark.asyncio


def table_rows(message: dict) -> list[str]:
    """Each row's phone-width card by its first line (the lines after it are indented)."""
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b.get("type") == "section" and "text" in b)
    return [line for block in re.findall(r"```\n(.*?)\n```", text, re.S) for line in block.split("\n")
            if line and not line.startswith(" ")]


def controls(message: dict) -> list[str]:
    return [e["text"]["text"] if e["type"] == "button" else e["placeholder"]["text"]
            for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def slash(fake, command: str, text: str, rid: str, user: str = "U0FAN") -> dict:
    form = slash_form(fake, command, text, rid=rid, user=user)
    await fake.send_envelope({"envelope_id": f"env-{rid}", "type": "slash_commands",
                              "accepts_response_payload": True, "payload": form})
    await fake.wait_until(lambda: rid in fake.shown)
    return fake.shown[rid]


async def click(fake, payload: dict, rid: str) -> dict:
    """Send a click over Socket Mode; the body Slack got on the click's response_url."""
    envelope = f"env-{rid}"
    await fake.send_envelope({"envelope_id": envelope, "type": "interactive", "accepts_response_payload": False,
                              "payload": payload})
    # Acked (empty: the answer follows through the response_url), and answered.
    await fake.wait_until(lambda: any(r == rid for r, _ in fake.responses)
                          and {"envelope_id": envelope} in fake.socket_acks)
    return next(body for r, body in fake.responses if r == rid)


async def test_paging_through_top_over_http(fake_slack, http_adapter):
    status, _, _ = await post_slash(http_adapter.port, slash_form(fake_slack, "/top", "1500m 2022", rid="t1"))
    assert status == 200
    await fake_slack.wait_until(lambda: "t1" in fake_slack.shown)
    first = fake_slack.shown["t1"]
    assert violations(first) == [] and controls(first) == ["Next \u25b6", "Full table"]
    assert table_rows(first)[0].split()[0] == "1."
    # Someone else may turn the page of a shared list.
    payload = fake_slack.block_actions("t1", user="U0OTHER", rid="c1", label="Next \u25b6")
    assert await post_interactive(http_adapter.port, payload) == 200
    await fake_slack.wait_until(lambda: any(r == "c1" for r, _ in fake_slack.responses))
    [(_, body)] = [x for x in fake_slack.responses if x[0] == "c1"]
    assert body["replace_original"] is True and violations(body) == []
    assert [r.split()[0] for r in table_rows(fake_slack.shown["t1"])][:2] == ["21.", "22."]
    assert controls(fake_slack.shown["t1"])[0] == "\u25c0 Previous"


async def test_h2h_menu_and_buttons_over_socket_mode(fake_slack, socket_adapter):
    first = await slash(fake_slack, "/h2h", '"Jakob Ingebrigtsen" "Narve Gilje Nordås"', "h1")
    assert {"Next \u25b6", "Finals only", "By event"} <= set(controls(first)) and violations(first) == []
    body = await click(fake_slack, fake_slack.block_actions("h1", user="U0FAN", rid="c2", placeholder="By event",
                                                            option="1500m"), "c2")
    assert body["replace_original"] is True
    rows = table_rows(fake_slack.shown["h1"])
    assert rows and all("1500m" in r for r in rows)
    assert "Show all meetings" in controls(fake_slack.shown["h1"])


async def test_someone_elses_filter_click_is_answered_privately(fake_slack, socket_adapter):
    first = await slash(fake_slack, "/h2h", '"Jakob Ingebrigtsen" "Narve Gilje Nordås"', "h2")
    body = await click(fake_slack, fake_slack.block_actions("h2", user="U0OTHER", rid="c3", label="Finals only"), "c3")
    assert body["response_type"] == "ephemeral" and body["replace_original"] is False
    assert "person who asked" in json.dumps(body) and "/h2h #" in json.dumps(body)
    assert fake_slack.shown["h2"] is first  # the asker's message is as it was


async def test_a_day_old_click_gets_a_fresh_command(fake_slack, socket_adapter):
    await slash(fake_slack, "/top", "1500m 2022", "t2")
    payload = fake_slack.block_actions("t2", user="U0FAN", rid="c4", label="Next \u25b6",
                                       message_ts=time.time() - 25 * 3600)
    body = await click(fake_slack, payload, "c4")
    assert body["response_type"] == "ephemeral" and "more than a day old" in json.dumps(body)
    assert "/top event:1500m season:2022 page:2" in json.dumps(body)


async def test_picking_a_namesake_replaces_the_question_with_the_answer(fake_slack, socket_adapter):
    question = await slash(fake_slack, "/athlete", "Ingebrigtsen", "a1")
    assert question["response_type"] == "in_channel" and "could be" in json.dumps(question)
    assert controls(question) == ["Which one?"] and violations(question) == []
    body = await click(fake_slack, fake_slack.block_actions("a1", user="U0FAN", rid="c5", placeholder="Which one?",
                                                            option="Jakob Ingebrigtsen"), "c5")
    assert body["replace_original"] is True
    assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Jakob Ingebrigtsen",
                                                            "emoji": True}}


async def test_the_manifest_turns_interactivity_on_in_both_modes(shared_core):
    from adapters.slack.manifest import build

    socket = build(shared_core.registry)["settings"]["interactivity"]
    http = build(shared_core.registry, request_url="https://bot.example.org/slack/events")["settings"]
    assert socket == {"is_enabled": True}  # Socket Mode: clicks come over the socket
    # HTTP mode: clicks go to the same URL as the commands, which the adapter serves.
    assert http["interactivity"] == {"is_enabled": True, "request_url": "https://bot.example.org/slack/events"}
    assert not http["socket_mode_enabled"]


async def test_a_button_from_before_a_restart_that_lost_its_command(fake_slack, socket_adapter):
    from bot.actions import ActionCodec

    await slash(fake_slack, "/top", "1500m 2022", "t3")
    button = next(e for b in fake_slack.shown["t3"]["blocks"] if b["type"] == "actions" for e in b["elements"])
    # Posted by the previous process, whose memory held this button's (too long) command.
    button["value"] = ActionCodec().encode("/top event:1500m season:2022 " + "x" * 3000, "U0FAN", False, 2000)
    body = await click(fake_slack, fake_slack.block_actions("t3", user="U0FAN", rid="c6", label="Next \u25b6"), "c6")
    assert body["response_type"] == "ephemeral" and "restarted" in json.dumps(body) and "/top" in json.dumps(body)


async def test_an_answer_too_long_for_one_message_says_so_when_it_replaces_the_clicked_one():
    from adapters.slack.clicks import _first_of
    from adapters.slack.render import render
    from bot.replies import Column, Reply, Table

    rows = tuple((f"row {i}", "x" * 200) for i in range(2000))
    messages = render(Reply("Long", table=Table((Column("a"), Column("b")), rows)))
    assert len(messages) > 1
    first = _first_of(messages)
    assert violations(first) == [] and len(first["blocks"]) <= 49  # room left for the buttons
    assert "did not fit" in first["blocks"][-1]["elements"][0]["text"]
