"""Tables laid out for a phone: every line at most PHONE_WIDTH characters.

A chat code block wider than a phone's screen wraps each row into pieces nobody can read, so
the Discord and Slack renderers show a table as cards: one per row, a few short lines each.
A command that knows its rows says how to tell them (`Table.narrow`); any other table gets a
card of its cells. The wide table stays in the Reply for the console, images and buttons.
"""
from __future__ import annotations

from bot.replies import PHONE_WIDTH, Table, ellipsize

BREAK = " · "  # between parts of a line: where it may break when too wide
_INDENT = "  "  # before a card's later lines, so each card's first line stands out
# A line of a card longer than this is cut (with an ellipsis) before it is wrapped: a cell of
# 200,000 characters from data must not become 5,000 lines.
LINE_LIMIT = 4 * PHONE_WIDTH
# A line break from data would tear a card apart (str.splitlines' set).
_ONE_LINE = str.maketrans({c: " " for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def cards(table: Table, width: int = PHONE_WIDTH) -> list[list[str]]:
    """Each row's lines, none wider than `width`."""
    told = table.narrow or tuple(_generic(row) for row in table.rows)
    return [_card(lines, width) for lines in told]


def _generic(row: tuple[str, ...]) -> tuple[str, ...]:
    cells = [c.strip() for c in row if c.strip()]
    return (BREAK.join(cells),) if cells else ("",)


def _card(lines: tuple[str, ...], width: int) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        line = ellipsize(line.translate(_ONE_LINE).rstrip(), LINE_LIMIT)
        if i and not line.strip():
            continue  # a blank line inside a card would read as the start of another
        # A card's first line starts at the margin and its later lines are indented, so a reader
        # tells where each card starts; a little indent of its own, never a line of spaces.
        lead = "" if i == 0 else _INDENT + line[: len(line) - len(line.lstrip())][:8]
        first_indent = lead
        out += wrap(line.lstrip(), width, first_indent, first_indent + _INDENT)
    return out or [""]


def wrap(text: str, width: int, indent: str = "", then: str = _INDENT) -> list[str]:
    """`text` in lines of at most `width`: broken between parts (" · ") where it can, else
    between words, and a word longer than a whole line across lines."""
    lines: list[str] = []
    current = indent
    pending_sep = ""
    for part in text.split(BREAK):
        if current.strip() and len(current) + len(pending_sep) + len(part) <= width:
            current += pending_sep + part
        else:
            if current.strip():
                lines.append(current)
                current = then
            current = _words(current, part, width, lines, then)
        pending_sep = BREAK
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _words(current: str, part: str, width: int, lines: list[str], then: str) -> str:
    """`part` added word by word to `current`, full lines moved to `lines`; returns the open line."""
    fresh = True  # `current` holds only its indent
    for word in part.split(" "):
        if not fresh and len(current) + 1 + len(word) <= width:
            current += " " + word
            continue
        if not fresh:
            if len(word) > width - len(then) and len(current) + 2 < width:
                current += " "  # too long for any line: it starts here rather than leave a gap
            else:
                lines.append(current)
                current = then
        room = max(width - len(current), 1)
        while len(word) > room:
            lines.append(current + word[:room])
            current, word = then, word[room:]
            room = max(width - len(current), 1)
        current += word
        fresh = False
    return current


def abbreviated(a: str, b: str) -> tuple[str, str]:
    """Two names shortened as far as they still tell apart: surnames to their first letters
    ("Ing."), several-word names to initials ("JI"); unchanged when shortening would confuse them."""
    if " " in a.strip() or " " in b.strip():
        ia, ib = _initials(a), _initials(b)
        return (ia, ib) if ia != ib else (a, b)
    for n in range(3, max(len(a), len(b))):
        pa, pb = a[:n], b[:n]
        if pa.lower() != pb.lower():
            return (pa + "." if len(a) > n + 1 else a), (pb + "." if len(b) > n + 1 else b)
    return a, b


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isalpha()).upper()
