"""/h2h with its chart through real discord.py: the PNG as multipart `files[0]` with its alt text,
shown by the embed as attachment://racebot.png, whether answered at once or after deferring."""
from __future__ import annotations

import io

import pytest

from fake_discord import message_problems
from inline_charts import charts_on
from test_discord_adapter import ask, opt

Image = pytest.importorskip("PIL.Image")


def the_upload(body: dict) -> dict:
    [upload] = body["files"]
    assert upload["name"] == "files[0]" and upload["filename"] == "racebot.png"
    image = Image.open(io.BytesIO(upload["data"]))
    image.load()
    assert image.format == "PNG" and image.size == (800, 450)
    return upload


async def test_h2h_answer_carries_its_chart_with_alt_text(fake, discord_adapter, shared_core):
    with charts_on(shared_core) as charts:
        got, _ = await ask(fake, fake.interaction("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")]))
    assert got.status == 200 and got.body["type"] == 4
    data = got.body["data"]
    assert message_problems({**data, "files": got.body["files"]}) == []  # multipart: files beside payload_json
    upload = the_upload(got.body)
    [(chart, _, _)] = charts.drawn
    assert data["embeds"][0]["image"] == {"url": "attachment://racebot.png"}
    assert data["attachments"] == [{"id": 0, "filename": "racebot.png", "description": chart.alt}]
    assert upload["size"] > 10_000 and "world 2023" in chart.alt


async def test_a_deferred_answer_edits_the_chart_in(fake, make_adapter, shared_core):
    adapter = make_adapter(defer_after=0.0)
    await adapter.start()
    try:
        await fake.wait_connected()
        payload = fake.interaction("results", [opt("competition", "oslo 2024"), opt("event", "1500m"),
                                               opt("gender", "men")])
        with charts_on(shared_core):
            deferred, _ = await ask(fake, payload)
            edit = await fake.wait_for(lambda r: r.method == "PATCH" and payload["token"] in r.path)
    finally:
        await adapter.stop()
    assert deferred.body["type"] == 5 and edit.status == 200
    the_upload(edit.body)
    assert edit.body["embeds"][0]["image"] == {"url": "attachment://racebot.png"}
    assert "gaps to the winner" in edit.body["attachments"][0]["description"]


async def test_without_a_drawer_no_file_is_sent(fake, discord_adapter, shared_core):
    assert shared_core.charts is None  # the console and one-shot commands draw nothing
    got, _ = await ask(fake, fake.interaction("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")]))
    assert "files" not in got.body and "image" not in got.body["data"]["embeds"][0]
