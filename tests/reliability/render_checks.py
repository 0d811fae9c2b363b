"""Arbitrary Replies, and what every platform's rendering of one must satisfy.

Shared by the render property tests: hypothesis strategies that build Replies the way data
and users can (long, unicode, markup-laden text; many or wide table cells; many fields), and
checkers that hold each platform's output to its documented limits and to "nothing dropped
without a visible ellipsis or a note".
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from hypothesis import strategies as st

from adapters.discord import limits as discord_limits
from adapters.slack import limits as slack_limits
from bot.replies import Column, Field, Moment, Paragraph, Reply, Span, Table

# Characters that mean something to Discord, Slack or a terminal, plus wide and combining ones.
MARKUP = "*_~`|[]()<>#-+.:/@!&;\\\n\t =^{}\u200b\u00ad\uff0a\uff3f\uff40\uff1e\u0301\U0001f3c3\x1b\x00"
_ATOMS = ["@everyone", "@here", "<!channel>", "<@U123>", "<@123456789012345678>", "https://evil.example",
          "[click](https://evil.example)", "<https://evil.example|click>", "```", "||", "**", "__", "~~",
          "> ", "# ", "-# ", "1. ", "- ", "&amp;", ":skull:", "<t:0:R>"]


def texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Short text mixing markup atoms, punctuation and any unicode."""
    piece = st.one_of(st.sampled_from(_ATOMS), st.text(alphabet=MARKUP, max_size=8),
                      st.text(max_size=8), st.just("Ingebrigtsen"))
    return st.lists(piece, max_size=max_size // 6).map("".join)


def long_texts(longest: int) -> st.SearchStrategy[str]:
    """Usually short, sometimes very long (one repeated piece, as a bad import makes)."""
    repeated = st.tuples(texts(12).filter(bool), st.integers(1, longest)).map(
        lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]])
    return st.one_of(texts(), texts(), repeated)


@st.composite
def tables(draw, longest: int, max_rows: int) -> Table:
    """A table whose first column is the row's number, so every row can be accounted for.

    The checkers below take a table's first cells to be short numbers, as here and in /subscriptions.
    """
    extra = draw(st.lists(st.tuples(long_texts(longest), st.sampled_from(["left", "right", "center"])),
                          max_size=7))
    columns = (Column("#", "right"),) + tuple(Column(t, a) for t, a in extra)
    n = draw(st.integers(0, max_rows))
    cells = st.lists(long_texts(longest), min_size=len(extra), max_size=len(extra))
    rows = tuple((str(i), *draw(cells)) for i in range(n))
    return Table(columns, rows)


@st.composite
def replies(draw, longest: int = 3000, max_rows: int = 40, max_fields: int = 40) -> Reply:
    text = long_texts(longest)
    spans = st.lists(st.builds(Span, text, st.booleans()), min_size=1, max_size=4)
    paragraphs = st.lists(spans.map(lambda s: Paragraph(tuple(s))), max_size=4)
    fields = st.lists(st.builds(Field, text, text, st.booleans()), max_size=max_fields)
    moments = st.lists(st.builds(Moment, st.datetimes(datetime(1970, 1, 2), datetime(2100, 1, 1),
                                                      timezones=st.just(timezone.utc)), text), max_size=3)
    return Reply(title=draw(text), paragraphs=draw(paragraphs),
                 table=draw(st.none() | tables(longest, max_rows)), fields=draw(fields), footer=draw(text),
                 spoiler=draw(st.booleans()), error=draw(st.sampled_from([False] * 5 + [True])),
                 moments=draw(moments))


# --- Discord -------------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"```\n(.*?)\n```", re.S)
PHONE_WIDTH = 40  # no line in a chat code block is wider (bot/narrow.py)


def shown(line: str, *, entities: bool) -> str:
    """A code block's line as the reader sees it: Slack decodes its three entities there, and
    neither shows the zero-width space that defuses a mention."""
    line = line.replace("\u200b", "")
    if entities:
        line = line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return line


def cards(lines: list[str], *, entities: bool = False) -> list[list[str]]:
    """A table's phone-width cards, one per row: each starts at the margin, later lines indented.
    Every line fits a phone (`entities`: Slack's, where `&amp;` shows as one character)."""
    out: list[list[str]] = []
    for line in lines:
        assert len(shown(line, entities=entities)) <= PHONE_WIDTH, line
        if line.startswith(" ") and out:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def first_word(card: list[str]) -> str:
    """The row's number, as the first word of its card (`3` or `3.`)."""
    return (card[0].split() or [""])[0].rstrip(".")


def check_discord(reply: Reply, messages) -> None:
    """Every message within Discord's limits; every table row and field shown or counted in a note."""
    assert messages
    for m in messages:
        body = m.payload()
        assert discord_limits.message_problems(body) == [], discord_limits.message_problems(body)
        for e in body["embeds"]:
            assert len(e.get("footer", {}).get("text", "")) <= discord_limits.FOOTER
            assert all(len(f["name"]) <= discord_limits.FIELD_NAME for f in e.get("fields", []))
    if reply.error:
        assert len(messages) == 1 and messages[0].ephemeral and not messages[0].embeds
        return
    embeds = [e for m in messages for e in m.embeds]
    note = embeds[-1].get("footer", {}).get("text", "")
    left = {what: int(n) for n, what in re.findall(r"(\d+) more (rows|fields)", note)}
    if reply.table is not None:
        shown = [card for e in embeds for block in _CODE_BLOCK.findall(e.get("description", ""))
                 for card in cards(block.split("\n"))]
        assert [first_word(card) for card in shown] == [row[0] for row in reply.table.rows[:len(shown)]]
        assert len(shown) + left.get("rows", 0) == len(reply.table.rows)
    fields = [f for e in embeds for f in e.get("fields", [])]
    assert len(fields) + left.get("fields", 0) == len(reply.fields)


# --- Slack ---------------------------------------------------------------------------------

def check_slack(reply: Reply, messages: list[dict]) -> None:
    """Every message within Block Kit's limits, and every table row shown, in order, once."""
    assert messages
    for m in messages:
        assert slack_limits.violations(m) == [], slack_limits.violations(m)
        assert len(m["text"]) <= 40_000 and len(m["blocks"]) <= slack_limits.MAX_BLOCKS
        for b in m["blocks"]:
            if b["type"] == "context":
                assert 1 <= len(b["elements"]) <= slack_limits.MAX_CONTEXT_ELEMENTS
            if b["type"] == "header":
                assert len(b["text"]["text"]) <= slack_limits.MAX_HEADER
    if reply.table is not None:
        shown = [card for m in messages for b in m["blocks"]
                 for text in [b.get("text", {}).get("text", "")] if text.startswith("```")
                 for card in cards(text.split("\n")[1:-1], entities=True)]
        assert [first_word(card) for card in shown] == [row[0] for row in reply.table.rows]


# --- Console and the plain-text fallback ---------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_console(reply: Reply, text: str) -> None:
    """No control character from data reaches the terminal, and every table row is there."""
    assert not _CONTROL.search(text)
    check_rows_listed(reply, text)


def check_rows_listed(reply: Reply, text: str) -> None:
    """Each table row's number starts some line (the plain-text fallback keeps every row)."""
    if reply.table is not None:
        found = set(re.findall(r"^(?:\|\|)?[ ]*(\d+)(?:  |\|\||$)", text, re.M))
        assert {row[0] for row in reply.table.rows} <= found
