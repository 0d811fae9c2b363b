"""Buttons and menus through real discord.py against the fake Discord: a slash command's answer
carries components; a click arrives as INTERACTION_CREATE type 3 (MESSAGE_COMPONENT) and is
answered by editing that message (UPDATE_MESSAGE, type 7), or privately when it is not for the
clicker or the message is too old."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from fake_discord import FakeDiscord, Recorded, message_problems  # noqa: F401
from fake_discord_payloads import snowflake

ASKER, OTHER = "1300000000000000101", "1300000000000000102"


def opt(name: str, value, type_: int = 3) -> dict:
    return {"name": name, "type": type_, "value": value}


async def answer_to(fake: FakeDiscord, payload: dict) -> Recorded:
    await fake.dispatch("INTERACTION_CREATE", payload)
    return await fake.wait_for(lambda r: r.path.startswith(f"/interactions/{payload['id']}/"))


async def ask(fake: FakeDiscord, command: str, options: list[dict], user: str = ASKER) -> dict:
    """Run a slash command; the message Discord now holds for its answer."""
    payload = fake.interaction(command, options, user_id=user)
    got = await answer_to(fake, payload)
    assert got.status == 200 and got.body["type"] == 4, got.body
    return fake.answer_message(payload)


def button(message: dict, label: str) -> str:
    return next(c["custom_id"] for row in message["components"] for c in row["components"]
                if c.get("label") == label)


def select(message: dict, placeholder: str) -> dict:
    return next(c for row in message["components"] for c in row["components"] if c.get("placeholder") == placeholder)


def card_heads(message: dict) -> list[str]:
    """Each table row's phone-width card by its first line (the lines after it are indented)."""
    text = "\n".join(e.get("description", "") for e in message["embeds"])
    return [line for block in re.findall(r"```\n(.*?)\n```", text, re.S) for line in block.split("\n")
            if line and not line.startswith(" ")]


def ranks(message: dict) -> list[str]:
    return [head.split()[0].rstrip(".") for head in card_heads(message)]


async def test_paging_through_top_edits_the_message(fake, discord_adapter):
    message = await ask(fake, "top", [opt("event", "1500m"), opt("season", 2022, 4)])
    assert ranks(message) == [str(i) for i in range(1, 21)] and message_problems(message) == []
    assert [c["label"] for row in message["components"] for c in row["components"]] == ["Next \u25b6", "Full table"]
    # Any reader may turn the page.
    got = await answer_to(fake, fake.click(message, button(message, "Next \u25b6"), user_id=OTHER))
    assert got.status == 200 and got.body["type"] == 7, got.body  # UPDATE_MESSAGE
    assert got.body["data"]["allowed_mentions"] == {"parse": []}
    assert ranks(message)[:2] == ["21", "22"]  # the same message, now page 2
    labels = [c["label"] for row in message["components"] for c in row["components"]]
    assert labels[0] == "\u25c0 Previous"
    got = await answer_to(fake, fake.click(message, button(message, "\u25c0 Previous"), user_id=ASKER))
    assert got.body["type"] == 7 and ranks(message)[0] == "1"


async def test_h2h_filters_and_menus_edit_the_message(fake, discord_adapter):
    message = await ask(fake, "h2h", [opt("athlete_a", "Jakob Ingebrigtsen"), opt("athlete_b", "Narve Gilje Nordås")])
    assert message_problems(message) == []
    rounds = re.compile(r"\b(Heat|Semi-final)\b")  # a card names its round unless it is the final
    assert any(rounds.search(head) for head in card_heads(message))
    await answer_to(fake, fake.click(message, button(message, "Finals only"), user_id=ASKER))
    rows = card_heads(message)
    assert rows and not any(rounds.search(r) for r in rows)
    assert button(message, "Show all meetings")
    menu = select(message, "By event")
    option = next(o for o in menu["options"] if o["label"] == "1500m")
    got = await answer_to(fake, fake.click(message, menu["custom_id"], [option["value"]], user_id=ASKER))
    assert got.body["type"] == 7
    rows = card_heads(message)
    assert rows and all("1500m" in r for r in rows)


async def test_someone_else_gets_a_private_word_and_the_message_stays(fake, discord_adapter):
    message = await ask(fake, "h2h", [opt("athlete_a", "Jakob Ingebrigtsen"), opt("athlete_b", "Narve Gilje Nordås")])
    before = [dict(e) for e in message["embeds"]]
    got = await answer_to(fake, fake.click(message, button(message, "Finals only"), user_id=OTHER))
    assert got.body["type"] == 4 and got.body["data"]["flags"] & 64  # ephemeral, only the clicker
    assert "person who asked" in got.body["data"]["content"] and "/h2h #" in got.body["data"]["content"]
    assert message["embeds"] == before


async def test_a_click_on_a_day_old_message_is_answered_privately(fake, discord_adapter):
    message = await ask(fake, "top", [opt("event", "1500m"), opt("season", 2022, 4)])
    old = {**message, "id": snowflake(datetime.now(timezone.utc) - timedelta(hours=25))}
    got = await answer_to(fake, fake.click(old, button(message, "Next \u25b6"), user_id=ASKER))
    assert got.body["type"] == 4 and got.body["data"]["flags"] & 64
    assert "more than a day old" in got.body["data"]["content"] and "/top" in got.body["data"]["content"]


async def test_picking_a_namesake_turns_the_question_into_the_answer(fake, discord_adapter):
    asked = fake.interaction("athlete", [opt("name", "Ingebrigtsen")], user_id=ASKER)
    got = await answer_to(fake, asked)
    data = got.body["data"]
    assert got.body["type"] == 4 and not data.get("flags", 0) & 64 and "could be" in data["content"]
    message = fake.answer_message(asked)
    menu = select(message, "Which one?")
    jakob = next(o for o in menu["options"] if o["label"].startswith("Jakob Ingebrigtsen"))
    got = await answer_to(fake, fake.click(message, menu["custom_id"], [jakob["value"]], user_id=ASKER))
    assert got.body["type"] == 7 and message["embeds"][0]["title"].endswith(" Jakob Ingebrigtsen")
    assert not message["content"]  # the question is gone, the answer in its place


async def test_a_slow_click_is_deferred_then_the_message_edited(fake, make_adapter):
    adapter = make_adapter(defer_after=0.0)  # always defer: type 6, then PATCH @original
    await adapter.start()
    try:
        await fake.wait_connected()
        asked = fake.interaction("top", [opt("event", "1500m"), opt("season", 2022, 4)], user_id=ASKER)
        assert (await answer_to(fake, asked)).body["type"] == 5  # thinking, then the answer as an edit
        await fake.wait_for(lambda r: r.method == "PATCH" and asked["token"] in r.path and r.status == 200)
        message = fake.answer_message(asked)
        click = fake.click(message, button(message, "Next \u25b6"), user_id=ASKER)
        assert (await answer_to(fake, click)).body["type"] == 6  # DEFERRED_UPDATE_MESSAGE
        await fake.wait_for(lambda r: r.method == "PATCH" and click["token"] in r.path and r.status == 200)
        assert ranks(message)[0] == "21" and message_problems(message) == []
    finally:
        await adapter.stop()


async def test_a_button_from_before_a_restart_that_lost_its_command(fake, discord_adapter):
    from bot.actions import ActionCodec

    message = await ask(fake, "top", [opt("event", "1500m"), opt("season", 2022, 4)])
    # A message the previous process posted: its button's command was too long for the id and
    # was kept in that process's memory, gone with it.
    before = ActionCodec().encode("/top event:1500m season:2022 page:2 " + "x" * 100, ASKER, False, 100)
    message["components"][0]["components"][0]["custom_id"] = before
    got = await answer_to(fake, fake.click(message, before, user_id=ASKER))
    assert got.body["type"] == 4 and got.body["data"]["flags"] & 64
    assert "restarted" in got.body["data"]["content"] and "/top" in got.body["data"]["content"]
