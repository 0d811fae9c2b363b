"""/h2h's chart on Slack through the real slack_sdk: the answer through its response_url, then the
PNG through Slack's current upload API (files.getUploadURLExternal, the upload,
files.completeUploadExternal) into the channel, with its alt text."""
from __future__ import annotations

import io
import logging

import pytest

from adapters.slack.slash import SlashCommands
from adapters.slack.workspaces import OneWorkspace, Workspace
from adapters.slack.tasks import TaskSet
from bot.announce.publishing import ChannelRef
from bot.commands.registry import Context
from inline_charts import charts_on

pytestmark = pytest.mark.asyncio
Image = pytest.importorskip("PIL.Image")
CHANNEL = ChannelRef("slack", "T0TEAM", "C0TRACK")


@pytest.fixture
def answers(outbound, publisher):
    return SlashCommands(None, OneWorkspace(Workspace(outbound, publisher, users=None, admin=None)), TaskSet())


async def charted(core, text: str):
    with charts_on(core):
        return await core.handle_text(text, Context(user_id="U1", channel=CHANNEL))


async def test_h2h_chart_is_uploaded_after_the_answer(fake_slack, answers, shared_core):
    reply = await charted(shared_core, "/h2h Kerr Ingebrigtsen")
    await answers.deliver(reply, CHANNEL, fake_slack.response_url("h"), key="k1")
    [(_, body)] = fake_slack.responses
    assert body["response_type"] == "in_channel" and "Kerr" in body["text"]
    methods = [c.method for c in fake_slack.calls]
    assert methods == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    [shared] = fake_slack.files
    assert shared["channel"] == "C0TRACK" and shared["filename"] == "racebot.png"
    assert shared["title"] == "Josh Kerr v Jakob Ingebrigtsen" and shared["alt_txt"] == reply.chart.alt
    assert shared["data"] == reply.image and shared["length"] == len(reply.image)
    image = Image.open(io.BytesIO(shared["data"]))
    image.load()
    assert image.size == (800, 450)


async def test_a_channel_without_the_bot_gets_the_answer_without_the_chart(fake_slack, answers, shared_core, caplog):
    caplog.set_level(logging.INFO, logger="adapters.slack")
    fake_slack.not_in_channels.add("C0TRACK")
    reply = await charted(shared_core, "/results oslo 2024 1500m men")
    assert reply.image
    await answers.deliver(reply, CHANNEL, fake_slack.response_url("r"), key="k2")
    assert len(fake_slack.responses) == 1 and fake_slack.files == []
    assert "chart not uploaded" in caplog.text and "not_in_channel" in caplog.text


async def test_errors_and_answers_without_charts_upload_nothing(fake_slack, answers, shared_core):
    for text in ("/h2h Kerr Ingebrigtsen event:1499furlongs", "/athlete Josh Kerr"):
        reply = await charted(shared_core, text)
        await answers.deliver(reply, CHANNEL, fake_slack.response_url("e"), key=text)
    assert len(fake_slack.responses) == 2 and not fake_slack.called("files.getUploadURLExternal")
