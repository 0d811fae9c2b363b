"""Whatever a command's handler raises (or answers that no renderer can draw), every adapter answers the asker once, logs the traceback
and goes on serving; text that broke the parser, and lines too long for a command, get a
readable answer on all three entry points (issue 13, items 6 and 7)."""
from __future__ import annotations

import pytest
from entry_points import ConsoleEntry, DiscordEntry, ErrorLog, SlackEntry

from bot.commands.parsing import MAX_COMMAND_CHARS
from bot.commands.registry import Command, Kind, Param
from bot.replies import Column, Reply, Table

SORRY = "Something went wrong on our side"
TOO_LONG = "too long for a command"
LONG_NAME = "Kerr " * (MAX_COMMAND_CHARS // 5 + 1)


async def boom(core, inv, ctx):
    raise RuntimeError("a handler bug")


async def garbled(core, inv, ctx):
    """A Reply no renderer can draw: a table cell that is not text."""
    return Reply("Garbled", table=Table((Column("A"),), ((None,),)))


@pytest.fixture
def broken(core):
    """The real core with two more commands: one handler raises, the other's answer breaks the renderers."""
    text = (Param("text", Kind.TEXT, "Anything", required=False),)
    core.registry.add(Command("boom", "Fails on purpose", text, boom))
    core.registry.add(Command("garbled", "Answers what no renderer can draw", text, garbled))
    return core


def opt(name: str, value) -> dict:
    return {"name": name, "type": 3, "value": value}


def one_answer(answer, *words: str) -> str:
    assert answer.answers == 1 and not answer.problems, answer
    assert all(w in answer.text for w in words), answer.text
    return answer.text


async def test_console_keeps_serving(broken):
    entry = ConsoleEntry(broken)
    with ErrorLog() as errors:
        one_answer(await entry.ask("/boom"), SORRY)
        one_answer(await entry.ask("/garbled"), SORRY)
    assert [r.exc_info[0] for r in errors.records] == [RuntimeError, TypeError]  # logged with the traceback
    one_answer(await entry.ask("/h2h kerr ingebrigtsen event:()"), "not a valid event")  # raised: the REPL died
    one_answer(await entry.ask("/h2h " + LONG_NAME), TOO_LONG)
    one_answer(await entry.ask("/h2h Kerr Ingebrigtsen"), "Josh Kerr v Jakob Ingebrigtsen")


async def test_slack_keeps_serving(broken):
    entry = await SlackEntry(broken).start()
    try:
        with ErrorLog() as errors:
            one_answer(await entry.ask("/boom", "anything"), SORRY)
            one_answer(await entry.ask("/racebot", "boom"), SORRY)
            one_answer(await entry.ask("/garbled", ""), SORRY)
        # The chat renderers lay a table out for a phone (bot/narrow.py): str methods on a None cell.
        assert [r.exc_info[0] for r in errors.records] == [RuntimeError, RuntimeError, AttributeError]
        one_answer(await entry.ask("/h2h", "kerr ingebrigtsen event:()"), "not a valid event")
        one_answer(await entry.ask("/h2h", LONG_NAME), TOO_LONG)
        one_answer(await entry.ask("/racebot", "h2h " + LONG_NAME), TOO_LONG)
        one_answer(await entry.ask("/h2h", "Kerr Ingebrigtsen"), "Josh Kerr v Jakob Ingebrigtsen")
    finally:
        await entry.close()


async def test_discord_keeps_serving(broken):
    entry = await DiscordEntry(broken).start()
    try:
        with ErrorLog() as errors:
            one_answer(await entry.ask("boom", [opt("text", "anything")]), SORRY)
            one_answer(await entry.ask("garbled", []), SORRY)
        assert [r.exc_info[0] for r in errors.records] == [RuntimeError, AttributeError]
        h2h = [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")]
        one_answer(await entry.ask("h2h", [*h2h, opt("event", "()")]), "not a valid event")  # raised: no answer
        one_answer(await entry.ask("h2h", [opt("athlete_a", LONG_NAME), h2h[1]]), TOO_LONG)
        one_answer(await entry.ask("h2h", h2h), "Josh Kerr v Jakob Ingebrigtsen")
    finally:
        await entry.close()
