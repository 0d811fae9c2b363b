"""The "Full table" button in the core: which answers carry it (a table whose phone cards leave
something out or run long), the command it runs written back from any invocation so it reads the
same, and what a click answers: the whole wide table for the clicker alone, as the console shows it,
with the picture to draw and alt text read from the rows."""
from __future__ import annotations

import pytest

from bot.actions import ActionCodec
from bot.commands.parsing import invocation_line, parse
from bot.commands.registry import Context, Invocation
from bot.full_table import LABEL, LONG, wants_full_table
from bot.replies import TABLE_WIDTH, Column, Reply, Table, format_table

ASKER = Context(user_id="U1", user_name="ann", clickable=True)
OTHER = Context(user_id="U2", user_name="bob", clickable=True)


def full_table_button(reply):
    found = [a for a in reply.actions if getattr(a, "full_table", False)]
    return found[0] if found else None


def test_full_table_ids_round_trip_short_and_kept_in_memory():
    codec = ActionCodec()
    token = codec.encode("/top event:1500m season:2022", "U1", False, 100, full_table=True)
    ticket = codec.decode(token)
    assert ticket.full_table and ticket.command == "/top event:1500m season:2022" and ticket.name == "top"
    assert not codec.decode(codec.encode("/top event:1500m season:2022", "U1", False, 100)).full_table
    long = '/h2h "' + "x" * 150 + '" kerr'
    kept = codec.decode(codec.encode(long, "U1", False, 100, full_table=True))
    assert kept.full_table and kept.command == long and kept.name == "h2h"
    assert ActionCodec().decode(codec.encode(long, "U1", False, 100, full_table=True)).command is None


@pytest.mark.parametrize("text", [
    "/top 1500m 2022", "/top 1500m season:2022 page:2", '/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"',
    "/h2h Kerr Ingebrigtsen finals", "/h2h Jakob Ingebrigtsen Kerr", '/results "oslo 2024" 1500m men',
    '/results "oslo 2024" "high jump" women', '/athlete "Jakob Ingebrigtsen"', "/athlete O'Brien"])
def test_any_invocation_is_written_back_as_text_that_reads_the_same(shared_core, text):
    registry = shared_core.registry
    inv = parse(registry, text)
    again = invocation_line(registry.get(inv.command), inv)
    assert again is not None
    back = parse(registry, again)
    assert (back.args, back.words) == (inv.args, inv.words)


def test_an_invocation_no_text_can_hold_gets_no_button(shared_core):
    cmd = shared_core.registry.get("athlete")
    assert invocation_line(cmd, Invocation("athlete", {"name": "a \"b\" 'c'"})) is None


def _table(rows: int, narrow: bool = False, cell: str = "Prefontaine Classic, Eugene") -> Table:
    cols = (Column("Date"), Column("Competition"), Column("Mark", "right"))
    body = tuple((f"2024-05-{i + 1:02d}", cell, "3:45.34") for i in range(rows))
    return Table(cols, body, tuple((f"{r[0]} · Eugene",) for r in body) if narrow else ())


def test_which_tables_want_the_button():
    assert not wants_full_table(Reply("t", table=_table(LONG)))  # short, and its cards hold every cell
    assert wants_full_table(Reply("t", table=_table(LONG + 1)))  # long
    assert wants_full_table(Reply("t", table=_table(2, narrow=True)))  # the cards leave the mark out
    assert not wants_full_table(Reply("t", table=_table(LONG + 1, cell="Oslo")))  # fits a phone as it is
    assert not wants_full_table(Reply("t", table=_table(LONG + 1), spoiler=True))  # no picture hides a result
    assert not wants_full_table(Reply("t", table=_table(LONG + 1), error=True))


async def test_the_button_is_on_chat_answers_only(shared_core):
    reply = await shared_core.handle_text("/h2h Kerr Ingebrigtsen", ASKER)
    button = full_table_button(reply)
    assert button is not None and button.label == LABEL and not button.personal  # anyone may look
    assert not any(getattr(a, "full_table", False)
                   for a in (await shared_core.handle_text("/h2h Kerr Ingebrigtsen", Context())).actions)


async def test_a_click_shows_the_whole_wide_table_to_the_clicker_alone(shared_core):
    reply = await shared_core.handle_text("/h2h Kerr Ingebrigtsen", ASKER)
    button = full_table_button(reply)
    token = shared_core.actions.encode(button.command, "U1", button.personal, 100, full_table=True)
    answer = await shared_core.click(token, None, OTHER, None)
    assert answer.aside and not answer.update and answer.asker == "U2"
    shown = answer.reply
    console = await shared_core.handle_text("/h2h Kerr Ingebrigtsen", Context())
    assert shown.table.wide and format_table(shown.table, TABLE_WIDTH) == format_table(console.table, TABLE_WIDTH)
    assert shown.title == console.title and shown.image is None  # this core draws no pictures
    assert list(shown.chart.spec["lines"]) == format_table(console.table, TABLE_WIDTH)
    names = [c.title for c in console.table.columns]
    first = "; ".join(f"{n}: {c.strip()}" for n, c in zip(names, console.table.rows[0]) if c.strip())
    assert first in shown.chart.alt and shown.chart.alt.startswith(f"Table, {console.title}:")


async def test_a_full_table_of_an_answer_without_one_is_a_polite_word(shared_core):
    token = shared_core.actions.encode("/help h2h", "U1", False, 100, full_table=True)
    answer = await shared_core.click(token, None, ASKER, None)
    assert not answer.aside and not answer.update and answer.reply.error
    assert "no table" in answer.reply.plain_text() and "/help h2h" in answer.reply.plain_text()
