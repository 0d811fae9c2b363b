"""The full wide table behind a button: chat shows a table as phone-width cards (bot/narrow.py),
which leave columns out or run long; "Full table" shows the clicker alone every column, as the
console does, drawn as a picture (bot/charts/table.py) so that a phone does not wrap it, or as the
wide text table where no picture can be sent.

A reply gets the button when its cards tell less than its table (a cell not in its card: a
column left out, a name shortened) or run past LONG rows, and its wide table is wider than a
phone; not on a spoiler, whose picture could not be hidden.
"""
from __future__ import annotations

from dataclasses import replace

from bot.charts.table import table_chart
from bot.replies import PHONE_WIDTH, TABLE_WIDTH, Button, Reply, Table, format_table

LABEL = "Full table"
LONG = 10  # rows past which cards are a long scroll, where one picture of the table reads at a glance


def wants_full_table(reply: Reply) -> bool:
    table = reply.table
    if table is None or not table.rows or reply.error or reply.spoiler or table.wide:
        return False
    if len(table.rows) <= LONG and not _cards_leave_out(table):
        return False
    return max(map(len, format_table(table, TABLE_WIDTH))) > PHONE_WIDTH


def with_full_table(reply: Reply, command: str) -> Reply:
    """`reply` with the button that shows its full table (`command`: the text that asks it again)."""
    return replace(reply, actions=(*reply.actions, Button(LABEL, command, full_table=True)))


def full_table_reply(reply: Reply, command: str) -> Reply | None:
    """What the button shows: the answer's title, its whole table as the console shows it (and as
    a picture to draw, `chart`), and its footer; None when the answer has no table."""
    if reply.table is None or not reply.table.rows:
        return None
    table = replace(reply.table, narrow=(), wide=True)
    return Reply(title=reply.title, table=table, footer=reply.footer, coverage=reply.coverage, kind=reply.kind,
                 chart=table_chart(reply.title, table, reply.footer))


def _cards_leave_out(table: Table) -> bool:
    """A cell its row's card does not show as it stands (a generic card shows every cell)."""
    if not table.narrow:
        return False
    for row, card in zip(table.rows, table.narrow):
        told = " ".join(card)
        if any(cell.strip() and cell.strip() not in told for cell in row):
            return True
    return False
