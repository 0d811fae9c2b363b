"""Publisher.send against the fake Slack: outcomes for Slack's errors, idempotency, spoiler threads."""
from __future__ import annotations

import asyncio

import pytest

from adapters.slack.limits import violations
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Column, Paragraph, Reply, Table

pytestmark = pytest.mark.asyncio

CHANNEL = ChannelRef("slack", "T0TEAM", "C0RESULTS")
RESULT = Reply(title="Bislett Games: men's 1500m", paragraphs=[Paragraph.of("Ingebrigtsen wins in 3:29.74.")])


async def test_delivered_post_goes_to_the_channel_within_limits(fake_slack, publisher):
    delivery = await publisher.send(CHANNEL, RESULT, "sub1:race9:rev1")
    assert delivery.outcome is Outcome.DELIVERED and delivery.message_id == fake_slack.posts[0]["ts"]
    [post] = fake_slack.posts
    assert post["channel"] == "C0RESULTS" and "thread_ts" not in post
    assert post["blocks"][0]["text"]["text"] == "Bislett Games: men's 1500m"
    assert violations({"text": post["text"], "blocks": post["blocks"]}) == []
    assert {c.token for c in fake_slack.calls} == {"xoxb-test-bot-token"}


async def test_429_is_retry_with_slacks_retry_after(fake_slack, publisher):
    fake_slack.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})
    delivery = await publisher.send(CHANNEL, RESULT, "k429")
    assert (delivery.outcome, delivery.retry_after, delivery.detail) == (Outcome.RETRY, 7.0, "ratelimited")
    assert fake_slack.posts == []
    again = await publisher.send(CHANNEL, RESULT, "k429")  # the scheduler retries with the same key
    assert again.outcome is Outcome.DELIVERED and len(fake_slack.posts) == 1


@pytest.mark.parametrize("status, body, outcome", [
    (503, "<html>Service Unavailable</html>", Outcome.RETRY),
    (500, {"ok": False, "error": "internal_error"}, Outcome.RETRY),
    (200, {"ok": False, "error": "channel_not_found"}, Outcome.GONE),
    (200, {"ok": False, "error": "is_archived"}, Outcome.GONE),
    (200, {"ok": False, "error": "not_in_channel"}, Outcome.GONE),
    (200, {"ok": False, "error": "account_inactive"}, Outcome.GONE),
    (200, {"ok": False, "error": "invalid_blocks"}, Outcome.REJECTED),
    (200, {"ok": False, "error": "missing_scope"}, Outcome.REJECTED),
])
async def test_slack_errors_map_to_outcomes(fake_slack, publisher, status, body, outcome):
    fake_slack.fail_next("chat.postMessage", status, body)
    delivery = await publisher.send(CHANNEL, RESULT, f"k-{status}-{body}")
    assert delivery.outcome is outcome
    if outcome is Outcome.RETRY:  # no Retry-After: the outbox backs off; Slack may have stored it
        assert (delivery.retry_after, delivery.maybe_posted) == (0.0, True)


async def test_same_key_never_posts_twice_even_when_sent_concurrently(fake_slack, publisher):
    first, second = await asyncio.gather(publisher.send(CHANNEL, RESULT, "dup"),
                                         publisher.send(CHANNEL, RESULT, "dup"))
    third = await publisher.send(CHANNEL, RESULT, "dup")
    assert {first.outcome, second.outcome, third.outcome} == {Outcome.DELIVERED}
    assert len(fake_slack.posts) == 1
    assert first.message_id == second.message_id == third.message_id
    await publisher.send(CHANNEL, RESULT, "another key")
    assert len(fake_slack.posts) == 2


async def test_split_reply_resumes_after_a_429_without_reposting_parts(fake_slack, publisher):
    rows = tuple((str(i), "x" * 60) for i in range(3000))  # far more than one message holds
    big = Reply(title="All results", table=Table((Column("#"), Column("Name")), rows))
    fake_slack.fail_next("chat.postMessage", 200, {"ok": True, "channel": "C0RESULTS", "ts": "1.1"})
    fake_slack.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    delivery = await publisher.send(CHANNEL, big, "big")
    assert delivery.outcome is Outcome.RETRY
    delivery = await publisher.send(CHANNEL, big, "big")
    assert delivery.outcome is Outcome.DELIVERED and delivery.message_id == "1.1"
    # A row is a card whose first line starts at the margin (bot/narrow.py).
    posted_rows = [line for p in fake_slack.posts for b in p["blocks"]
                   for line in b.get("text", {}).get("text", "").split("\n")[1:-1] if not line.startswith(" ")]
    # Part one went out before the 429 (answered by the failure hook), the rest after the retry.
    first_part_rows = 0
    for call in fake_slack.calls[:1]:
        first_part_rows = sum(1 for b in call.args["blocks"] if b["type"] == "section"
                              for line in b["text"]["text"].split("\n")[1:-1] if not line.startswith(" "))
    assert first_part_rows + len(posted_rows) == len(rows)
    assert all(len(p["blocks"]) <= 50 for p in fake_slack.posts)


async def test_spoiler_posts_neutral_headline_then_result_in_its_thread(fake_slack, publisher):
    spoiler = Reply(title=RESULT.title, paragraphs=RESULT.paragraphs, spoiler=True)
    delivery = await publisher.send(CHANNEL, spoiler, "spoil")
    assert delivery.outcome is Outcome.DELIVERED
    headline, result = fake_slack.posts
    assert "Ingebrigtsen" not in str(headline["blocks"]) and "Ingebrigtsen" not in headline["text"]
    assert result["thread_ts"] == headline["ts"] == delivery.message_id
    assert "Ingebrigtsen wins in 3:29.74." in str(result["blocks"])


async def test_not_a_slack_channel_is_rejected_without_a_call(fake_slack, publisher):
    delivery = await publisher.send(ChannelRef("discord", "1", "2"), RESULT, "x")
    assert delivery.outcome is Outcome.REJECTED and fake_slack.calls == []


async def test_one_reply_to_many_channels_is_rendered_once_and_posted_to_each(fake_slack, publisher, monkeypatch):
    import adapters.slack.publisher as module

    renders = []
    real = module.render
    monkeypatch.setattr(module, "render", lambda reply: renders.append(reply) or real(reply))
    channels = [ChannelRef("slack", "T0TEAM", f"C{i}") for i in range(3)]
    for i, channel in enumerate(channels):
        assert (await publisher.send(channel, RESULT, f"fan{i}")).outcome is Outcome.DELIVERED
    assert [p["channel"] for p in fake_slack.posts] == ["C0", "C1", "C2"]
    assert fake_slack.posts[0]["blocks"] == fake_slack.posts[2]["blocks"]
    assert len(renders) == 1
    other = Reply(title=RESULT.title, paragraphs=RESULT.paragraphs)  # equal, but another object: rendered anew
    await publisher.send(channels[0], other, "fan-other")
    assert len(renders) == 2


async def test_the_web_client_does_not_build_debug_text_nobody_will_see():
    """slack_sdk formats every request and response for debug logging unless its logger's own
    level (not the effective one) is above DEBUG."""
    import logging

    import aiohttp

    from adapters.slack.outbound import web_client

    async with aiohttp.ClientSession() as session:
        logger = web_client(session, "http://127.0.0.1:9/api/", "xoxb-x")._logger
    assert logger.level > logging.DEBUG or logger.isEnabledFor(logging.DEBUG)


async def test_formatting_from_data_reaches_slack_as_look_alikes(fake_slack, publisher):
    """What Slack receives: no `*`, `_`, `~` or backtick it would format, no quote, no link."""
    evil = "*bold* _it_ ~strike~ `code` <!channel> <https://evil.example|click> &\n> quote"
    reply = Reply("Result", paragraphs=[Paragraph.of(evil)])
    d = await publisher.send(CHANNEL, reply, "k-evil")
    assert d.outcome is Outcome.DELIVERED
    [post] = fake_slack.posts
    section = post["blocks"][1]["text"]
    assert section == {"type": "mrkdwn", "verbatim": True, "text":
                       "\u2217bold\u2217 \u02cdit\u02cd \u223cstrike\u223c \u02cbcode\u02cb &lt;!channel&gt; "
                       "&lt;https://evil.example|click&gt; &amp;\n\u00ad&gt; quote"}
    assert "*" not in post["text"] and "<!channel>" not in post["text"]


async def test_a_follow_alert_opens_the_dm_then_posts_there_once(fake_slack, publisher):
    dm = ChannelRef.for_user("slack", "T0TEAM", "U0FAN")
    assert dm.workspace == "T0TEAM"  # Slack users belong to their workspace
    first = await publisher.send(dm, RESULT, "racebot:7:9:1:f3")
    again = await publisher.send(dm, RESULT, "racebot:7:9:1:f3")
    assert first.outcome is again.outcome is Outcome.DELIVERED and first.message_id == again.message_id
    await publisher.send(dm, RESULT, "racebot:7:10:1:f3")
    assert [c.args["users"] for c in fake_slack.calls if c.method == "conversations.open"] == ["U0FAN"]
    assert [p["channel"] for p in fake_slack.posts] == ["DU0FAN", "DU0FAN"]


async def test_a_user_slack_will_not_dm_is_gone(fake_slack, publisher):
    fake_slack.gone_users.add("U0LEFT")
    d = await publisher.send(ChannelRef.for_user("slack", "T0TEAM", "U0LEFT"), RESULT, "racebot:7:9:1:f4")
    assert (d.outcome, d.detail) == (Outcome.GONE, "user_disabled") and fake_slack.posts == []
