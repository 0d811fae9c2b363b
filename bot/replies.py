"""The platform-neutral reply every command returns.

Adapters render it (Discord embeds, Slack Block Kit, console tables) and escape
every string for their platform; the core never writes markup.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Span:
    """A run of paragraph text; `strong` asks the renderer for emphasis."""

    text: str
    strong: bool = False


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @classmethod
    def of(cls, *parts: str | Span) -> "Paragraph":
        return cls(tuple(p if isinstance(p, Span) else Span(p) for p in parts))

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Column:
    title: str
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class Moment:
    """A point in time that renderers show in each reader's own time zone."""

    at: datetime
    fallback: str


@dataclass
class Reply:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    table: Table | None = None
    fields: list[Field] = field(default_factory=list)
    footer: str = ""
    image: bytes | None = None
    spoiler: bool = False
    error: bool = False
    # Structured form of the answer for --json and integrations.
    data: dict | None = None
    moments: list[Moment] = field(default_factory=list)
    # What the answer rests on (bot.coverage), one line that every renderer puts last.
    coverage: str = ""

    def plain_text(self) -> str:
        """Readable fallback: notifications, logs, and platforms without rich text."""
        lines = [self.title]
        lines += [p.text for p in self.paragraphs]
        for f in self.fields:
            lines.append(f"{f.name}: {f.value}")
        if self.table:
            lines += format_table(self.table)
        if self.footer:
            lines.append(self.footer)
        if self.coverage:
            lines.append(self.coverage)
        return "\n".join(lines)


def error_reply(message: str, *, hint: str = "") -> Reply:
    paragraphs = [Paragraph.of(message)]
    if hint:
        paragraphs.append(Paragraph.of(hint))
    return Reply(title="Sorry", paragraphs=paragraphs, error=True)


def format_table(table: Table) -> list[str]:
    """Fixed-width rows, used by the console and by monospace blocks on chat platforms."""
    widths = [len(c.title) for c in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: tuple[str, ...]) -> str:
        out = []
        for cell, col, w in zip(cells, table.columns, widths):
            if col.align == "right":
                out.append(cell.rjust(w))
            elif col.align == "center":
                out.append(cell.center(w))
            else:
                out.append(cell.ljust(w))
        return "  ".join(out).rstrip()

    header = line(tuple(c.title for c in table.columns))
    return [header, "-" * len(header)] + [line(r) for r in table.rows]
