"""Buttons and menus in the core: which replies carry them, the commands they run, and what a click
answers (a page, a chosen namesake, a polite private word), on the bundled data."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.actions import ActionCodec
from bot.commands.registry import Context
from bot.replies import Button, Menu

ASKER = Context(user_id="U1", user_name="ann", clickable=True)
OTHER = Context(user_id="U2", user_name="bob", clickable=True)


def buttons(reply) -> dict[str, Button]:
    return {a.label: a for a in reply.actions if isinstance(a, Button)}


def menus(reply) -> dict[str, Menu]:
    return {a.placeholder: a for a in reply.actions if isinstance(a, Menu)}


async def press(core, reply, label: str, ctx: Context = ASKER, *, asker: str = "U1", limit: int = 100,
                sent_at: datetime | None = None):
    """Press the button as an adapter would: encode its id, hand the id back to the core."""
    b = buttons(reply)[label]
    token = core.actions.encode(b.command, asker, b.personal, limit)
    return await core.click(token, None, ctx, sent_at)


async def pick(core, reply, placeholder: str, index: int, ctx: Context = ASKER, *, asker: str = "U1"):
    m = menus(reply)[placeholder]
    carrier = core.actions.menu(0, asker, m.personal)
    chosen = core.actions.encode(m.options[index].command, "", False, 100)
    return await core.click(carrier, chosen, ctx, None)


def test_ids_round_trip_and_long_commands_stay_within_the_limit():
    codec = ActionCodec()
    short = codec.encode("/top 1500m season:2022 page:2", "123456789012345678", False, 100)
    assert codec.decode(short).command == "/top 1500m season:2022 page:2"
    assert not codec.decode(short).personal and codec.decode(short).asker == "123456789012345678"
    long = "/h2h " + "x" * 200
    token = codec.encode(long, "U1", True, 100)
    assert len(token) <= 100 and codec.decode(token).command == long and codec.decode(token).personal
    assert ActionCodec().decode(token).command is None  # another process (a restart) never knew it
    assert ActionCodec().decode(token).name == "h2h"
    assert codec.decode("something else") is None and codec.decode("rb0|U1|/top 1500m") is None


async def test_top_pages_through_the_season_list(shared_core):
    first = await shared_core.handle_text("/top 1500m 2022", ASKER)
    assert not first.error and [r[0] for r in first.table.rows] == [str(i) for i in range(1, 21)]
    assert set(buttons(first)) == {"Next \u25b6", "Full table"} and first.footer.startswith("Page 1.")
    second = await press(shared_core, first, "Next \u25b6", OTHER)  # any reader may turn a page
    assert second.update and second.asker == "U1"  # the asker's own choices stay theirs
    assert [r[0] for r in second.reply.table.rows][:2] == ["21", "22"]
    assert {r[2] for r in second.reply.table.rows}.isdisjoint({r[2] for r in first.table.rows})
    assert set(buttons(second.reply)) >= {"\u25c0 Previous"}
    back = await press(shared_core, second.reply, "\u25c0 Previous")
    assert back.reply.table.rows == first.table.rows


async def test_top_in_the_terminal_says_how_to_ask_for_more(shared_core):
    reply = await shared_core.handle_text("/top 1500m 2022", Context())
    assert not reply.actions and "add page:2" in reply.footer
    beyond = await shared_core.handle_text("/top 1500m 2022 page:900", Context())
    assert beyond.error and "no page 900" in beyond.plain_text()


async def test_a_long_head_to_head_comes_in_pages_with_its_filters(shared_core):
    whole = await shared_core.handle_text('/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', Context())
    meetings = len(whole.table.rows)
    assert meetings > 10 and not whole.actions  # the terminal: every meeting, no buttons
    first = await shared_core.handle_text('/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', ASKER)
    assert first.table.rows == whole.table.rows[:10]
    assert {"Next \u25b6", "Finals only"} <= set(buttons(first)) and "By event" in menus(first)
    assert buttons(first)["Finals only"].personal and not buttons(first)["Next \u25b6"].personal
    second = await press(shared_core, first, "Next \u25b6")
    assert second.reply.table.rows == whole.table.rows[10:20]
    finals = await press(shared_core, first, "Finals only")
    assert finals.update and all(r[3] == "Final" for r in finals.reply.table.rows)
    assert len(finals.reply.table.rows) < meetings and "Show all meetings" in buttons(finals.reply)
    again = await press(shared_core, finals.reply, "Show all meetings")
    assert again.reply.table.rows == first.table.rows
    by_event = menus(first)["By event"]
    event = next(o for o in by_event.options if o.label == "1500m")
    chosen = await pick(shared_core, first, "By event", by_event.options.index(event))
    assert {r[2] for r in chosen.reply.table.rows} == {"1500m"}


async def test_a_chat_head_to_head_makes_only_its_page_and_still_tells_every_meeting(shared_core):
    """Each page's rows, phone cards and data are the console's whole table cut at that page; the
    record, fields and prose are the whole rivalry's on every page."""
    text = '/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"'
    whole = await shared_core.handle_text(text, Context())
    rows, cards, meetings = whole.table.rows, whole.table.narrow, whole.data["meetings"]
    pages = -(-len(rows) // 10)
    assert pages >= 2 and len(meetings) == len(rows) == len(cards)
    for page in range(1, pages + 1):
        got = await shared_core.handle_text(f"{text} page:{page}", ASKER)
        cut = slice((page - 1) * 10, page * 10)
        assert (got.table.rows, got.table.narrow) == (rows[cut], cards[cut])
        assert list(got.data["meetings"]) == list(reversed(list(reversed(meetings))[cut]))  # oldest first
        assert (got.paragraphs, got.fields, got.data["wins"]) == (whole.paragraphs, whole.fields, whole.data["wins"])
        assert got.footer.startswith(f"Page {page} of {pages}.")
    beyond = await shared_core.handle_text(f"{text} page:{pages + 1}", ASKER)
    assert beyond.error and f"no page {pages + 1}" in beyond.plain_text()


async def test_only_the_asker_may_change_the_question(shared_core):
    first = await shared_core.handle_text('/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', ASKER)
    refused = await press(shared_core, first, "Finals only", OTHER)
    assert not refused.update and refused.reply.error
    text = refused.reply.plain_text()
    assert "person who asked" in text and buttons(first)["Finals only"].command in text  # a fresh command


async def test_a_day_old_message_gets_a_fresh_command_instead(shared_core):
    first = await shared_core.handle_text("/top 1500m 2022", ASKER)
    old = datetime.now(timezone.utc) - timedelta(hours=25)
    stale = await press(shared_core, first, "Next \u25b6", sent_at=old)
    assert not stale.update and "more than a day old" in stale.reply.plain_text()
    assert "/top event:1500m season:2022 page:2" in stale.reply.plain_text()
    fresh = await press(shared_core, first, "Next \u25b6", sent_at=datetime.now(timezone.utc) - timedelta(hours=23))
    assert fresh.update


async def test_a_button_whose_command_a_restart_forgot(shared_core):
    first = await shared_core.handle_text('/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', ASKER)
    lost = ActionCodec().encode("/h2h " + "y" * 120, "U1", False, 100)
    answer = await shared_core.click(lost, None, ASKER, None)
    assert not answer.update and "restarted" in answer.reply.plain_text() and "/h2h" in answer.reply.plain_text()
    garbled = await shared_core.click("not-ours", None, ASKER, None)
    assert not garbled.update and garbled.reply.error
    assert first.table  # the shared core answered throughout


async def test_athlete_namesakes_come_with_a_menu(shared_core):
    asked = await shared_core.handle_text("/athlete Ingebrigtsen", ASKER)
    assert asked.error and "could be" in asked.plain_text()
    menu = menus(asked)["Which one?"]
    assert menu.personal and len(menu.options) >= 3
    jakob = next(i for i, o in enumerate(menu.options) if o.label.startswith("Jakob Ingebrigtsen"))
    answer = await pick(shared_core, asked, "Which one?", jakob)
    assert answer.update and answer.reply.title == "Jakob Ingebrigtsen"
    stranger = await pick(shared_core, asked, "Which one?", jakob, OTHER)
    assert not stranger.update and "/athlete #" in stranger.reply.plain_text()
    typed = await shared_core.handle_text("/athlete Ingebrigtsen", Context())
    assert typed.error and not typed.actions and "Type the full name" in typed.plain_text()


async def test_h2h_namesakes_that_never_met_come_with_menus(shared_core):
    asked = await shared_core.handle_text("/h2h Kerr Kerr", ASKER)
    assert asked.error and asked.actions
    [menu] = asked.actions
    assert menu.placeholder == "Which Kerr?" and {o.label.split(" (")[0] for o in menu.options} >= {"Josh Kerr"}


async def test_h2h_guess_offers_the_other_pairs(shared_core):
    reply = await shared_core.handle_text("/h2h Ingebrigtsen Cheruiyot", ASKER)
    assert not reply.error
    others = menus(reply).get("Not who you meant?")
    assert others is not None and others.personal and others.options
    answer = await pick(shared_core, reply, "Not who you meant?", 0)
    assert answer.update and answer.reply.title == others.options[0].label


@pytest.mark.parametrize("text", ["/results oslo 2024 1500m men", "/h2h Kerr Ingebrigtsen"])
async def test_short_answers_have_no_pages(shared_core, text):
    reply = await shared_core.handle_text(text, ASKER)
    assert not any(b.label.startswith(("Next", "\u25c0")) for b in buttons(reply).values())
    assert "Page" not in reply.footer


async def test_a_long_results_overview_comes_in_pages(shared_core):
    whole = await shared_core.handle_text("/results roma 2024", Context())
    assert len(whole.table.rows) > 40 and not whole.actions and "Page" not in whole.footer
    first = await shared_core.handle_text("/results roma 2024", ASKER)
    assert first.table.rows == whole.table.rows[:20] and first.footer.startswith("Page 1 of ")
    second = await press(shared_core, first, "Next \u25b6")
    assert second.reply.table.rows == whole.table.rows[20:40]
    typed = await shared_core.handle_text("/results roma 2024 page:2", Context())  # typed, no buttons
    assert typed.table.rows == second.reply.table.rows and "add page:3" in typed.footer
