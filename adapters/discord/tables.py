"""A Reply table as code blocks, split between rows so no row is ever cut."""
from __future__ import annotations

from dataclasses import dataclass

from bot.replies import TABLE_WIDTH, Table, format_table

from adapters.discord import escape

FENCE_OPEN, FENCE_CLOSE = "```\n", "\n```"


@dataclass(frozen=True)
class Chunk:
    text: str  # a complete code block (inside spoiler bars when asked)
    rows: int  # table rows it holds, header excluded


def chunks(table: Table, budget: int, *, spoiler: bool = False) -> list[Chunk]:
    """Code blocks of at most `budget` characters each.

    Every block repeats the header so a page read on its own still makes sense.
    """
    lines = [escape.code(line) for line in format_table(table, TABLE_WIDTH)]
    head, rows = "\n".join(lines[:2]), lines[2:]
    room = budget - len(FENCE_OPEN) - len(FENCE_CLOSE) - (4 if spoiler else 0) - len(head)
    out: list[Chunk] = []
    current: list[str] = []
    used = 0

    def flush() -> None:
        block = FENCE_OPEN + "\n".join([head, *current]) + FENCE_CLOSE
        out.append(Chunk(f"||{block}||" if spoiler else block, len(current)))

    for row in rows:
        if len(row) + 1 > room:
            # One row wider than a whole embed: the only case where clipping beats failing.
            row = escape.clip(row, room - 1)
        if current and used + len(row) + 1 > room:
            flush()
            current, used = [], 0
        current.append(row)
        used += len(row) + 1
    if current or not rows:
        flush()
    return out
