""""Full table" through real discord.py against the fake Discord: the button on a long or
shortened table answers the clicker alone (ephemeral) with the wide table as a PNG attached
(multipart, alt text reading the table out), or, where nothing draws pictures, as the console's
wide table in a code block; the clicked message stays as it was."""
from __future__ import annotations

import io
import re

import pytest

from adapters.discord import limits
from bot.commands.registry import Context
from bot.replies import TABLE_WIDTH, format_table
from fake_discord import message_problems
from inline_charts import charts_on
from test_discord_components import ASKER, OTHER, answer_to, ask, button, opt

Image = pytest.importorskip("PIL.Image")


async def test_full_table_comes_privately_as_a_picture(fake, discord_adapter, shared_core):
    message = await ask(fake, "top", [opt("event", "1500m"), opt("season", 2022, 4)])
    before = [dict(e) for e in message["embeds"]]
    with charts_on(shared_core) as charts:
        got = await answer_to(fake, fake.click(message, button(message, "Full table"), user_id=OTHER))
    assert got.status == 200 and got.body["type"] == 4 and got.body["data"]["flags"] & 64  # only the clicker
    data = got.body["data"]
    assert message_problems({**data, "files": got.body["files"]}) == []
    [upload] = got.body["files"]
    image = Image.open(io.BytesIO(upload["data"]))
    image.load()
    [(chart, _, meta)] = charts.drawn
    assert chart.kind == "table" and image.format == "PNG" and list(image.size) == meta["size"]
    lines = chart.spec["lines"]
    # Every column of the widest line fits, at a size a reader can zoom into; 20 rows and a header.
    assert 9 * max(map(len, lines)) < image.size[0] < 2000 and 20 * 22 < image.size[1] < 1000
    assert data["embeds"][0]["image"] == {"url": "attachment://racebot.png"}
    assert "```" not in data["embeds"][0].get("description", "")  # the picture is the table
    alt = data["attachments"][0]["description"]
    assert alt == chart.alt[:limits.ATTACHMENT_DESCRIPTION] or alt.endswith("\u2026")
    console = await shared_core.handle_text("/top 1500m 2022", Context())
    first = console.table.rows[0]
    assert f"Athlete: {first[2]}" in alt and f"Mark: {first[1]}" in alt
    assert list(lines) == format_table(console.table, TABLE_WIDTH)  # drawn from the console's own lines
    assert message["embeds"] == before  # the page everyone sees is left alone


async def test_without_pictures_the_full_table_is_the_consoles_text(fake, discord_adapter, shared_core):
    assert shared_core.charts is None
    message = await ask(fake, "top", [opt("event", "1500m"), opt("season", 2022, 4)])
    got = await answer_to(fake, fake.click(message, button(message, "Full table"), user_id=ASKER))
    data = got.body["data"]
    assert got.body["type"] == 4 and data["flags"] & 64 and "files" not in got.body
    assert message_problems(data) == []
    text = "\n".join(e.get("description", "") for e in data["embeds"])
    shown = [line for block in re.findall(r"```\n(.*?)\n```", text, re.S) for line in block.split("\n")]
    console = await shared_core.handle_text("/top 1500m 2022", Context())
    assert shown == format_table(console.table, TABLE_WIDTH)


async def test_a_short_table_whose_cards_tell_everything_has_no_button(fake, discord_adapter, shared_core):
    message = await ask(fake, "athlete", [opt("name", "Jakob Ingebrigtsen")])
    reply = await shared_core.handle_text('/athlete "Jakob Ingebrigtsen"', Context())
    assert 0 < len(reply.table.rows) <= 10 and "```" in message["embeds"][0]["description"]
    labels = [c.get("label") for row in message.get("components", []) for c in row["components"]]
    assert "Full table" not in labels


async def test_a_slow_full_table_is_deferred_then_sent_privately(fake, make_adapter, shared_core):
    adapter = make_adapter(defer_after=0.0)  # always defer: the click is acked, the table follows up
    await adapter.start()
    try:
        await fake.wait_connected()
        asked = fake.interaction("top", [opt("event", "1500m"), opt("season", 2022, 4)], user_id=ASKER)
        await answer_to(fake, asked)
        await fake.wait_for(lambda r: r.method == "PATCH" and asked["token"] in r.path and r.status == 200)
        message = fake.answer_message(asked)
        before = [dict(e) for e in message["embeds"]]
        click = fake.click(message, button(message, "Full table"), user_id=ASKER)
        with charts_on(shared_core):
            assert (await answer_to(fake, click)).body["type"] == 6  # acked; the message is left as it is
            sent = await fake.wait_for(lambda r: r.method == "POST" and r.path.endswith(click["token"]))
    finally:
        await adapter.stop()
    assert sent.status == 200 and sent.body["flags"] & 64 and message_problems(sent.body) == []
    [upload] = sent.body["files"]
    assert Image.open(io.BytesIO(upload["data"])).format == "PNG"
    assert sent.body["embeds"][0]["image"] == {"url": "attachment://racebot.png"}
    assert message["embeds"] == before
