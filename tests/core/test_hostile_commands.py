"""Hostile or unlucky command text on a real core: brackets, dates at the calendar's ends, other
scripts' digits, NUL, and very long lines each get one readable answer, and cost no more than
linear work (issue 13, items 6, 7 and 12)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.h2h import H2HArgs, split_names
from bot.commands.parsing import MAX_COMMAND_CHARS, parse
from bot.commands.registry import Command, Context
from bot.domain.disciplines import parse_discipline
from bot.errors import UserError
from bot.announce.publishing import ChannelRef
from bot.replies import failure_reply

ADMIN = Context(user_id="u1", user_name="fan", channel=ChannelRef("console", "", "terminal"), is_admin=True)
FAILED = failure_reply().paragraphs[0].spans[0].text


def said(reply) -> str:
    return " ".join(sp.text for p in reply.paragraphs for sp in p.spans)


@pytest.mark.parametrize("text", ["()", "1500m ()", "1500m ( )", "(", "[1500m]", "1500m (indoor", "((()))", "()()"])
def test_brackets_in_event_text_never_raise(text):
    """'()' matched the qualifier pattern with neither group set: None.strip() raised."""
    found = parse_discipline(text)
    assert found is None or found.base == "1500"


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.text(alphabet=st.sampled_from("()[]{} 1500mhighjumpindoor-_.,'\"\\"), max_size=24))
def test_any_event_text_is_a_discipline_or_none(text):
    assert parse_discipline(text) is None or parse_discipline(text).code


# One core for all of them: opening one costs seconds, a command microseconds.
BAD_VALUES = [
    ("/h2h kerr ingebrigtsen event:()", "not a valid event"),
    ("/top ()", "don't understand"),
    ("/h2h kerr ingebrigtsen season:99999999", "not a valid season"),
    ("/h2h kerr ingebrigtsen since:9999-12-31", "not a valid since"),
    ("/h2h kerr ingebrigtsen until:0001-01-01", "not a valid until"),
    ("/h2h kerr ingebrigtsen since:2019-02-30", "not a valid since"),
    ("/top 1500m season:\u0662\u0660\u0662\u0664", "not a valid season"),  # Arabic-Indic 2024
    ("/h2h kerr ingebrigtsen since:\u0662\u0660\u0662\u0664", "not a valid since"),
    ("/subscribe kerr delay:\u00b2", "not a valid delay"),  # '²'.isdigit() is True; int('²') raised
    ("/subscribe kerr delay:\u0663", "not a valid delay"),
    ("/athlete kerr\x00", "NUL character"),
    ("/h2h kerr\x00 ingebrigtsen", "NUL character"),
    ("/h2h " + "kerr " * 101, "too long for a command"),
]


async def test_bad_values_get_a_readable_answer(shared_core):
    for text, words in BAD_VALUES:
        reply = await shared_core.handle_text(text, ADMIN)
        assert reply.error and words in said(reply), (text, said(reply))
    for text in ("/athlete #\u00b2", "/results #\u00b2", "/h2h #\u00b2 kerr"):  # int('²') raised
        assert said(await shared_core.handle_text(text, ADMIN)) != FAILED, text
    exactly = "/h2h kerr ingebrigtsen" + " " * (MAX_COMMAND_CHARS - 22)  # the limit itself is allowed
    assert len(exactly) == MAX_COMMAND_CHARS
    assert (await shared_core.handle_text(exactly, ADMIN)).title == "Josh Kerr v Jakob Ingebrigtsen"
    assert await shared_core.complete("h2h", "athlete_a", "kerr")
    assert await shared_core.complete("h2h", "athlete_a", "k" * (MAX_COMMAND_CHARS + 1)) == []


async def test_whatever_a_handler_raises_or_returns_the_core_answers(core, caplog):
    async def broken(core_, inv, ctx):
        raise KeyError("a bug")

    async def wrong(core_, inv, ctx):
        return "not a reply"

    for handler in (broken, wrong):
        core.registry.add(Command(handler.__name__, "fails on purpose", (), handler))
        reply = await core.handle_text(f"/{handler.__name__}", ADMIN)
        assert reply.error and said(reply) == FAILED
    assert caplog.text.count("Traceback") == 2  # logged with the traceback, never shown to the user


@contextmanager
def counted_lookups(core):
    """The length of every text the athlete index is asked about, while the block runs."""
    seen: list[int] = []
    real = core.indexes.athletes.candidates

    def counting(text, limit=8):
        seen.append(len(text))
        return real(text, limit)

    core.indexes.athletes.candidates = counting  # observes; the real lookup still answers
    try:
        yield seen
    finally:
        del core.indexes.athletes.candidates


async def test_splitting_many_words_into_two_names_is_linear(shared_core):
    """8,000 words took 16.5 s: every split point looked both halves up (quadratic)."""
    work = {}
    for n in (100, 400):
        with counted_lookups(shared_core) as seen, pytest.raises(UserError) as refused:
            split_names(shared_core.indexes.athletes, H2HArgs(words=("kerr",) * n))
        assert "can't tell two names apart" in refused.value.message
        work[n] = sum(seen)
    assert work[400] <= 4 * work[100]  # linear at most; the quadratic split did 16 times the work
    most = shared_core.indexes.athletes.most_words
    for n in (4, 2 * most):  # names that do split: a bounded number of lookups of bounded texts
        words = ["josh", "kerr"] + ["x"] * (n - 4) + ["jakob", "ingebrigtsen"]
        with counted_lookups(shared_core) as seen:
            split_names(shared_core.indexes.athletes, H2HArgs(words=tuple(words)))
        assert len(seen) <= 2 * most and max(seen) <= len(" ".join(words))
    # through the core: 500 characters of names answer at once, and two unquoted names still split
    text = ("/h2h " + "jakob ingebrigtsen timothy cheruiyot " * 20)[:MAX_COMMAND_CHARS]
    reply = await shared_core.handle_text(text, ADMIN)
    assert reply.error and "can't tell two names apart" in said(reply)
    words = parse(shared_core.registry, "/h2h josh kerr jakob ingebrigtsen").words
    assert words == ["josh", "kerr", "jakob", "ingebrigtsen"]
    reply = await shared_core.handle_text("/h2h josh kerr jakob ingebrigtsen", ADMIN)
    assert reply.title == "Josh Kerr v Jakob Ingebrigtsen"

