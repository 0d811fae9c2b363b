"""Socket Mode through a fake websocket: apps.connections.open hands out a loopback ws:// URL."""
from __future__ import annotations

import dataclasses
import json

import pytest
from fake_slack import APP_TOKEN
from slack_requests import slack_settings, slash_form

from adapters.slack.adapter import SlackAdapter
from adapters.slack.limits import violations
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Paragraph, Reply

pytestmark = pytest.mark.asyncio


def envelope(fake, envelope_id: str, command: str, text: str, rid: str) -> dict:
    # Socket Mode carries the same fields as the HTTP form, as a JSON object.
    return {"envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": True,
            "payload": slash_form(fake, command, text, rid=rid)}


async def test_slash_command_envelope_is_acked_then_answered(fake_slack, socket_adapter):
    [connect] = fake_slack.called("apps.connections.open")
    assert connect.token == APP_TOKEN  # the app-level token, only for the websocket
    await fake_slack.send_envelope(envelope(fake_slack, "env-h2h", "/h2h", "Kerr Ingebrigtsen", "s1"))
    await fake_slack.wait_until(lambda: fake_slack.socket_acks and fake_slack.responses)
    assert fake_slack.socket_acks[0] == {"envelope_id": "env-h2h"}  # an empty ack: the answer follows
    [(rid, answer)] = fake_slack.responses
    assert rid == "s1" and answer["response_type"] == "in_channel"
    assert "3:29.38" in json.dumps(answer["blocks"]) and violations(answer) == []


async def test_bad_text_is_refused_in_the_socket_ack(fake_slack, socket_adapter):
    await fake_slack.send_envelope(envelope(fake_slack, "env-bad", "/h2h", '"Kerr', "s2"))
    await fake_slack.wait_until(lambda: fake_slack.socket_acks)
    [ack] = fake_slack.socket_acks
    assert ack["envelope_id"] == "env-bad"
    assert ack["payload"]["response_type"] == "ephemeral" and "quote" in ack["payload"]["text"]
    assert violations(ack["payload"]) == [] and fake_slack.responses == []


async def test_the_adapter_is_the_publisher_for_announcements(fake_slack, socket_adapter):
    reply = Reply(title="Bislett Games: men's 1500m", paragraphs=[Paragraph.of("Ingebrigtsen wins in 3:29.74.")])
    channel = ChannelRef("slack", "T0TEAM", "C0RESULTS")
    assert socket_adapter.platform == "slack"
    first = await socket_adapter.send(channel, reply, "sub7:race42:rev1")
    again = await socket_adapter.send(channel, reply, "sub7:race42:rev1")
    assert first.outcome is again.outcome is Outcome.DELIVERED and len(fake_slack.posts) == 1
    assert fake_slack.posts[0]["channel"] == "C0RESULTS"


async def test_send_before_start_asks_to_retry(shared_core, fake_slack):
    adapter = SlackAdapter(shared_core, slack_settings(fake_slack, "socket"))
    delivery = await adapter.send(ChannelRef("slack", "T0TEAM", "C1"), Reply(title="x"), "k")
    assert delivery.outcome is Outcome.RETRY and fake_slack.calls == []


async def test_wrong_bot_token_stops_start_up_without_showing_the_token(shared_core, fake_slack):
    settings = dataclasses.replace(slack_settings(fake_slack, "socket"), bot_token="xoxb-wrong-secret")
    with pytest.raises(RuntimeError, match="invalid_auth") as failure:
        await SlackAdapter(shared_core, settings).start()
    assert "xoxb-wrong-secret" not in str(failure.value)
    assert fake_slack.called("apps.connections.open") == []
