""""Full table" through real slack-bolt (Socket Mode) and slack_sdk against the fake Slack: the
click answers the clicker alone through its response_url (ephemeral): the wide table as a PNG
uploaded into no channel and shown by file id in an image block with alt text, or, where nothing
draws pictures or Slack refuses the picture, the console's wide table in code blocks; the clicked
message stays as it was."""
from __future__ import annotations

import io
import re

import pytest

from adapters.slack.limits import violations
from bot.commands.registry import Context
from bot.replies import TABLE_WIDTH, format_table
from inline_charts import charts_on
from test_slack_components import click, controls, slash

pytestmark = pytest.mark.asyncio
Image = pytest.importorskip("PIL.Image")


def code_lines(message: dict) -> list[str]:
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b.get("type") == "section" and "text" in b)
    return [line for block in re.findall(r"```\n(.*?)\n```", text, re.S) for line in block.split("\n")]


async def console_lines(core) -> list[str]:
    reply = await core.handle_text('/results "oslo 2024"', Context())
    return format_table(reply.table, TABLE_WIDTH)


async def test_full_table_is_a_private_picture(fake_slack, socket_adapter, shared_core):
    first = await slash(fake_slack, "/results", '"oslo 2024"', "r1")
    assert "Full table" in controls(first)
    with charts_on(shared_core) as charts:
        body = await click(fake_slack, fake_slack.block_actions("r1", user="U0OTHER", rid="c1", label="Full table"), "c1")
    assert body["response_type"] == "ephemeral" and body["replace_original"] is False and violations(body) == []
    [image] = [b for b in body["blocks"] if b["type"] == "image"]
    [upload] = fake_slack.files
    assert upload["channel"] == "" and image["slack_file"] == {"id": upload["id"]}  # shared nowhere
    picture = Image.open(io.BytesIO(upload["data"]))
    picture.load()
    [(chart, _, meta)] = charts.drawn
    assert picture.format == "PNG" and list(picture.size) == meta["size"] and picture.size[0] < 2000
    assert list(chart.spec["lines"]) == await console_lines(shared_core)
    assert image["alt_text"] == chart.alt and upload["alt_txt"] == chart.alt[:1000]
    console = await shared_core.handle_text('/results "oslo 2024"', Context())
    assert chart.alt.startswith(f"Table, {console.title}: {len(console.table.rows)} rows")
    assert f"Event: {console.table.rows[0][0]}; Winner: {console.table.rows[0][1]}" in chart.alt
    assert not code_lines(body)  # the picture is the table
    assert fake_slack.shown["r1"] == first  # the answer everyone sees is left alone


async def test_without_pictures_the_full_table_is_the_consoles_text(fake_slack, socket_adapter, shared_core):
    await slash(fake_slack, "/results", '"oslo 2024"', "r2")
    body = await click(fake_slack, fake_slack.block_actions("r2", user="U0FAN", rid="c2", label="Full table"), "c2")
    assert body["response_type"] == "ephemeral" and violations(body) == [] and not fake_slack.files
    assert code_lines(body) == await console_lines(shared_core)


async def test_a_refused_picture_falls_back_to_the_text(fake_slack, socket_adapter, shared_core):
    await slash(fake_slack, "/results", '"oslo 2024"', "r3")
    fake_slack.fail_next("files.getUploadURLExternal", 200, {"ok": False, "error": "not_allowed_token_type"})
    with charts_on(shared_core):
        body = await click(fake_slack, fake_slack.block_actions("r3", user="U0FAN", rid="c3", label="Full table"), "c3")
    assert not any(b["type"] == "image" for b in body["blocks"])
    assert code_lines(body) == await console_lines(shared_core)
