"""What a chat card shows beyond the reply's words, the same on every chat platform: flags for
country codes, a marker for each record badge, an accent colour for each kind of reply.

The console shows none of these (codes and plain badges); Discord and Slack render them here.
"""
from __future__ import annotations

import re

from collections.abc import Sequence
from dataclasses import replace

from bot.domain.countries import flag_or_code
from bot.replies import Badge, Reply, ReplyKind, Table

# A coloured square before each record's code, so a record stands out in a busy card; the code
# stays beside it, so the meaning never rests on the colour.
BADGE_MARKS = {"WR": "\U0001F7EA", "WL": "\U0001F7E7", "AR": "\U0001F7E6", "NR": "\U0001F7E9",
               "PB": "\U0001F7E8"}
# Accent per kind of reply: Discord's embed colour, and on Slack (whose blocks have no colour) a
# circle of the same colour before the header. The default keeps racebot's blue.
ACCENTS: dict[ReplyKind, tuple[int, str]] = {
    "": (0x1F6FB2, ""),
    "result": (0x2E9E5B, "\U0001F7E2"),
    "record": (0xE2B007, "\U0001F7E1"),
    "partial": (0x95A5A6, "\u26AA"),
    "correction": (0xE67E22, "\U0001F7E0"),
}


def accent(reply: Reply) -> tuple[int, str]:
    return ACCENTS.get(reply.kind, ACCENTS[""])


def badge_mark(code: str) -> str:
    return BADGE_MARKS.get(code, "")


def grouped(badges: Sequence[Badge]) -> list[tuple[list[str], str]]:
    """Badges of one result together, ([NR, WL, PB], "Mile 3:45.34, ..."), one line each."""
    out: list[tuple[list[str], str]] = []
    for b in badges:
        if out and out[-1][1] == b.text:
            out[-1][0].append(b.code)
        else:
            out.append(([b.code], b.text))
    return out


def flagged_table(table: Table) -> Table:
    """The table with each country cell shown as its flag (the code where it has none).

    A flag is two characters that a monospace font draws two columns wide, never wider than the
    code it replaces, so columns stay aligned and a narrow layout stays as narrow."""
    columns = [i for i, c in enumerate(table.columns) if c.kind == "country"]
    if not columns:
        return table
    rows = tuple(tuple(flag_or_code(cell) if i in columns else cell for i, cell in enumerate(row))
                 for row in table.rows)
    return replace(table, rows=rows, narrow=tuple(_flagged_card(card, [row[i] for i in columns])
                                                  for card, row in zip(table.narrow, table.rows)))


def _flagged_card(card: tuple[str, ...], codes: list[str]) -> tuple[str, ...]:
    """A phone-width card with its row's country codes, where they stand as words, as flags."""
    for code in codes:
        if code and flag_or_code(code) != code:
            word = re.compile(rf"(?<![\w]){re.escape(code)}(?![\w])")
            card = tuple(word.sub(flag_or_code(code), line) for line in card)
    return card
