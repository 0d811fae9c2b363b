"""A table as a picture's data: the lines the console prints (format_table), for the chart worker
to draw in a monospace font (racebot/charts/table.py), and alt text that says what the table says."""
from __future__ import annotations

import hashlib

from bot.replies import TABLE_WIDTH, Chart, Table, format_table

ALT_CHARS = 2000  # Slack's alt_text limit; Discord's shorter one is the adapter's to keep


def table_chart(title: str, table: Table, footer: str = "") -> Chart:
    lines = format_table(table, TABLE_WIDTH)
    spec = {"kind": "table", "title": title, "lines": lines, "header": 2, "footer": footer}
    # Keyed by what it shows: the same table (whoever asked, wherever) is drawn once per data version.
    key = "table:" + hashlib.sha1("\n".join([title, footer, *lines]).encode()).hexdigest()
    return Chart("table", key, _alt(title, table), spec)


def _alt(title: str, table: Table) -> str:
    """The table read out: its columns, then each row's cells, as far as ALT_CHARS allows."""
    names = [c.title for c in table.columns]
    text = f"Table, {title}: {len(table.rows)} rows of {', '.join(n for n in names if n)}."
    for i, row in enumerate(table.rows):
        said = " " + "; ".join(f"{n}: {c.strip()}" if n else c.strip()
                               for n, c in zip(names, row) if c.strip()) + "."
        rest = f" And {len(table.rows) - i} more rows."
        if len(text) + len(said) + len(f" And {len(table.rows)} more rows.") > ALT_CHARS:
            return text + rest
        text += said
    return text
