"""How a command's Reply reaches Slack: response_url, ephemeral errors, long answers, spoiler threads."""
from __future__ import annotations

import json

import pytest

from adapters.slack.limits import violations
from adapters.slack.outbound import DEFAULT_RETRY_AFTER, Dest
from adapters.slack.slash import RESPONSE_URL_USES, SlashCommands
from adapters.slack.workspaces import OneWorkspace, Workspace
from adapters.slack.tasks import TaskSet
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Column, Paragraph, Reply, Table, error_reply

pytestmark = pytest.mark.asyncio

CHANNEL = ChannelRef("slack", "T0TEAM", "C0TRACK")


@pytest.fixture
def answers(outbound, publisher):
    # deliver() needs no core and no admin check: only the outbound side.
    return SlashCommands(None, OneWorkspace(Workspace(outbound, publisher, users=None, admin=None)), TaskSet())


async def test_answer_goes_to_the_response_url_for_everyone(fake_slack, answers):
    await answers.deliver(Reply(title="Next: Bislett Games"), CHANNEL, fake_slack.response_url("a"), key="k1")
    [(rid, body)] = fake_slack.responses
    assert rid == "a" and body["response_type"] == "in_channel" and body["replace_original"] is False
    assert fake_slack.posts == []


async def test_error_is_ephemeral(fake_slack, answers):
    await answers.deliver(error_reply("No athlete called Kerrr.", hint="Did you mean Josh Kerr?"), CHANNEL,
                          fake_slack.response_url("e"), key="k2")
    [(_, body)] = fake_slack.responses
    assert body["response_type"] == "ephemeral" and "Did you mean Josh Kerr?" in body["text"]


async def test_long_answer_uses_five_response_url_posts_then_the_channel(fake_slack, answers):
    rows = tuple((str(i), "x" * 70) for i in range(12000))
    reply = Reply(title="Everything", table=Table((Column("#", "right"), Column("Name")), rows))
    await answers.deliver(reply, CHANNEL, fake_slack.response_url("long"), key="k3")
    assert len(fake_slack.responses) == RESPONSE_URL_USES and fake_slack.posts
    messages = [b for _, b in fake_slack.responses] + fake_slack.posts
    assert all(violations({"text": m["text"], "blocks": m["blocks"]}) == [] for m in messages)
    # Each row a phone-width card whose first line starts at the margin (bot/narrow.py).
    shown = [line for m in messages for b in m["blocks"] if b["type"] == "section"
             for line in b["text"]["text"].split("\n")[1:-1] if not line.startswith(" ")]
    assert [int(line.split()[0]) for line in shown] == list(range(12000))  # every row once, in order


async def test_spoiler_answer_starts_a_thread_in_the_channel(fake_slack, answers):
    reply = Reply(title="Prefontaine Classic: Bowerman Mile", paragraphs=[Paragraph.of("Kerr wins in 3:45.34.")],
                  spoiler=True)
    await answers.deliver(reply, CHANNEL, fake_slack.response_url("s"), key="k4")
    headline, result = fake_slack.posts
    assert "Kerr" not in json.dumps(headline["blocks"]) and result["thread_ts"] == headline["ts"]
    assert fake_slack.responses == []


async def test_spoiler_where_the_bot_cannot_post_goes_privately_to_the_asker(fake_slack, answers):
    fake_slack.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
    reply = Reply(title="Bowerman Mile", paragraphs=[Paragraph.of("Kerr wins in 3:45.34.")], spoiler=True)
    await answers.deliver(reply, CHANNEL, fake_slack.response_url("p"), key="k5")
    [(_, body)] = fake_slack.responses
    assert body["response_type"] == "ephemeral" and "Kerr wins" in json.dumps(body["blocks"])
    assert fake_slack.posts == []


@pytest.mark.parametrize("status, text, headers, outcome, retry_after", [
    (404, "expired_url", {}, Outcome.GONE, 0.0),
    (200, "ok", {}, Outcome.DELIVERED, 0.0),
    (429, "rate_limited", {"Retry-After": "4"}, Outcome.RETRY, 4.0),
    (502, "bad gateway", {}, Outcome.RETRY, DEFAULT_RETRY_AFTER),
    (400, "invalid_blocks", {}, Outcome.REJECTED, 0.0),
])
async def test_response_url_answers_map_to_outcomes(fake_slack, outbound, status, text, headers, outcome,
                                                    retry_after):
    if status != 200:
        fake_slack.fail_next("response_url", status, text, headers)
    delivery = await outbound.post(Dest(response_url=fake_slack.response_url("x")), {"text": "hi", "blocks": []})
    assert (delivery.outcome, delivery.retry_after) == (outcome, retry_after)
