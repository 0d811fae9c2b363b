"""A Reply table as code blocks of phone-width cards (bot/narrow.py), split between cards so no
row is ever cut; a wide table (Table.wide) line by line, as the console prints it."""
from __future__ import annotations

from dataclasses import dataclass

from bot.narrow import cards
from bot.replies import TABLE_WIDTH, Table, format_table

from adapters.discord import escape

FENCE_OPEN, FENCE_CLOSE = "```\n", "\n```"


@dataclass(frozen=True)
class Chunk:
    text: str  # a complete code block (inside spoiler bars when asked)
    rows: int  # table rows it holds


def chunks(table: Table, budget: int, *, spoiler: bool = False) -> list[Chunk]:
    """Code blocks of at most `budget` characters each; each card (a row) whole in one of them."""
    room = budget - len(FENCE_OPEN) - len(FENCE_CLOSE) - (4 if spoiler else 0)
    out: list[Chunk] = []
    current: list[str] = []
    rows = 0
    used = -1  # length of "\n".join(current); -1 while empty

    def flush() -> None:
        block = FENCE_OPEN + "\n".join(current) + FENCE_CLOSE
        out.append(Chunk(f"||{block}||" if spoiler else block, rows))

    for card in _told(table):
        text = "\n".join(escape.code(line) for line in card)
        if len(text) > room:
            # A card longer than a whole embed: the only case where clipping beats failing.
            text = escape.clip(text, room)
        if current and used + 1 + len(text) > room:
            flush()
            current, rows, used = [], 0, -1
        current.append(text)
        rows += 1
        used += 1 + len(text)
    if current:
        flush()
    return out


def _told(table: Table) -> list[list[str]]:
    """Phone cards; a wide table (the full table asked for) as the console prints it: its header
    and rule kept together, then a row a line."""
    if not table.wide:
        return cards(table)
    lines = format_table(table, TABLE_WIDTH)
    return [lines[:2], *([line] for line in lines[2:])]
