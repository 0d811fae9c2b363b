"""The platform-neutral reply every command returns.

Adapters render it (Discord embeds, Slack Block Kit, console tables) and escape
every string for their platform; the core never writes markup.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

Align = Literal["left", "right", "center"]
MomentStyle = Literal["datetime", "time", "date", "relative"]
# Widest table line any renderer draws: real tables are about 120 characters; beyond this a
# cell from data is cut (with an ellipsis) rather than stretching every row of the table.
TABLE_WIDTH = 240
# Widest line inside a chat code block: a phone shows about 40 monospace characters before
# wrapping a row into unreadable pieces (bot/narrow.py lays tables out within it).
PHONE_WIDTH = 40


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


# What a column's cells are, so each platform can show them its own way: a "country" cell holds a
# three-letter code (chat platforms show its flag), a "flags" cell result flags such as "NR WL".
ColumnKind = Literal["", "country", "flags"]


@dataclass(frozen=True)
class Column:
    title: str
    align: Align = "left"
    kind: ColumnKind = ""


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    # The same rows told for a phone, one entry per row: its lines, where " · " marks a place a
    # line may break. Empty: bot/narrow.py lays each row out from its cells.
    narrow: tuple[tuple[str, ...], ...] = ()
    # Shown as the console shows it, one line per row (format_table), not as phone cards: the
    # full table asked for on purpose (bot/full_table.py), where no picture of it could be sent.
    wide: bool = False


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class Moment:
    """A point in time that renderers show in each reader's own time zone, once, in one form:
    "datetime" (date and clock), "time" (clock only), "date", or "relative" ("in 5 minutes")."""

    at: datetime
    fallback: str
    style: MomentStyle = "datetime"


@dataclass(frozen=True)
class Person:
    """Someone a reply is about: chat platforms show their flag and link their World Athletics page."""

    name: str
    country: str = ""  # the three-letter code as the data gives it
    profile: str = ""  # their World Athletics page, only where their World Athletics id is known


@dataclass(frozen=True)
class Badge:
    """A record a result set, which renderers make stand out: code WR, WL, AR, NR or PB, and what set it."""

    code: str
    text: str


# What kind of answer a reply is, for the accent each platform gives it (an embed's colour).
# "" is any other answer; errors have Reply.error.
ReplyKind = Literal["", "result", "record", "partial", "correction"]


@dataclass(frozen=True)
class Button:
    """Runs `command` (command text as typed, e.g. "/top 1500m season:2022 page:2") when pressed;
    its answer takes the place of the message (bot.actions)."""

    label: str
    command: str
    # Only the asker may press it: it changes the question (a namesake, a filter), not the page.
    personal: bool = False
    # Shows the answer's full wide table to the clicker alone (bot/full_table.py) instead of
    # replacing the message.
    full_table: bool = False


@dataclass(frozen=True)
class Option:
    label: str
    command: str
    description: str = ""


@dataclass(frozen=True)
class Menu:
    """A choice of commands, one run when picked (a select menu on every platform)."""

    placeholder: str
    options: Sequence[Option]
    personal: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))


Action = Button | Menu


@dataclass(frozen=True)
class Chart:
    """A chart as data: what to plot, never how. The composition root draws it in a worker process
    (racebot/charts), since bot/ imports no plotting library; the drawing becomes `Reply.image`."""

    kind: str  # "rivalry" (/h2h) or "gaps" (/results): which drawing the worker makes
    key: str  # what it is of (pair and filters, or race): with the data version, the drawing's cache key
    alt: str  # alt text: what the picture shows, for readers who cannot see it
    spec: Mapping[str, Any]  # points and labels, as in the reply's data["chart"]; read-only

    def __post_init__(self) -> None:
        object.__setattr__(self, "spec", frozen(self.spec))


@dataclass(frozen=True)
class Reply:
    """Made once and never changed: a reply is cached by id() and one reply goes to every channel
    of a fan-out, so a change made for one would show in all. Derive another with dataclasses.replace."""

    title: str
    # Typed as any sequence because commands may hand in lists as they build them up; __post_init__
    # keeps a tuple.
    paragraphs: Sequence[Paragraph] = ()
    table: Table | None = None
    fields: Sequence[Field] = ()
    footer: str = ""
    image: bytes | None = None
    spoiler: bool = False
    error: bool = False
    # Structured form of the answer for --json and integrations: read-only all the way down.
    data: Mapping[str, Any] | None = None
    moments: Sequence[Moment] = ()
    # What the answer rests on (bot.coverage), one line that every renderer puts last.
    coverage: str = ""
    # Buttons and menus, shown where the platform can (bot.actions); empty unless the asker can click.
    actions: Sequence[Action] = ()
    people: Sequence[Person] = ()
    badges: Sequence[Badge] = ()
    kind: ReplyKind = ""
    # The instant the reply is about (when a result came in): Discord shows it as the embed's time.
    timestamp: datetime | None = None
    # A chart to draw (or None): the adapter that can show pictures asks for it to become `image`.
    chart: Chart | None = None

    def __post_init__(self) -> None:
        for name in ("paragraphs", "fields", "moments", "people", "badges", "actions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.data is not None:
            object.__setattr__(self, "data", frozen(self.data))

    def plain_text(self) -> str:
        """Readable fallback: notifications, logs, and platforms without rich text."""
        lines = [self.title]
        lines += [p.text for p in self.paragraphs]
        for f in self.fields:
            lines.append(f"{f.name}: {f.value}")
        if self.table:
            lines += format_table(self.table, TABLE_WIDTH)
        if self.footer:
            lines.append(self.footer)
        if self.coverage:
            lines.append(self.coverage)
        return "\n".join(lines)


def frozen(value: Any) -> Any:
    """`value` with every dict made a read-only mapping and every list a tuple, all the way down.
    Plain types are looked up first: a reply's data holds thousands of strings and numbers, and an
    abstract-class check on each was a quarter of /h2h's time."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is dict or kind is MappingProxyType or isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if kind is list or kind is tuple:
        return tuple([frozen(v) for v in value])
    return value


_LEAVES = frozenset({str, int, float, bool, type(None)})


def thawed(value: Any) -> Any:
    """A Reply's data as plain dicts and lists, for json.dumps (which refuses a mappingproxy)."""
    if isinstance(value, Mapping):
        return {k: thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thawed(v) for v in value]
    return value


def error_reply(message: str, *, hint: str = "", actions: Sequence[Action] = ()) -> Reply:
    paragraphs = [Paragraph.of(message)]
    if hint:
        paragraphs.append(Paragraph.of(hint))
    return Reply(title="Sorry", paragraphs=paragraphs, error=True, actions=actions)


def failure_reply() -> Reply:
    """The answer when our own code failed: the details go to the log, never to the chat."""
    return error_reply("Something went wrong on our side; it has been logged.")


ELLIPSIS = "\u2026"
# A cell is one line: a line break from data would tear the table apart (str.splitlines' set).
_ONE_LINE = str.maketrans({c: " " for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


def ellipsize(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when anything was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS if limit > 0 else ""


def format_table(table: Table, width: int | None = None) -> list[str]:
    """Fixed-width rows, used by the console and by monospace blocks on chat platforms.

    With `width`, no line is longer: the widest columns are narrowed first and their cells
    end in an ellipsis, so one enormous cell cannot stretch every row of the table (which
    made a 200,000-character name cost gigabytes). Time is linear in the cells shown.
    """
    widths = [len(c.title) for c in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(cell))
    if width is not None:
        widths = _narrowed(widths, width)

    def line(cells: tuple[str, ...]) -> str:
        out = []
        for cell, col, w in zip(cells, table.columns, widths):
            cell = ellipsize(cell, w).translate(_ONE_LINE)
            if col.align == "right":
                out.append(cell.rjust(w))
            elif col.align == "center":
                out.append(cell.center(w))
            else:
                out.append(cell.ljust(w))
        text = "  ".join(out).rstrip()
        # Only when even one character per column is too wide: the row's end goes, visibly.
        return ellipsize(text, width) if width is not None else text

    header = line(tuple(c.title for c in table.columns))
    return [header, "-" * len(header)] + [line(r) for r in table.rows]


def _narrowed(widths: list[int], width: int) -> list[int]:
    """Column widths whose sum (with the two-space gaps) fits `width`: the widest give way first."""
    room = width - 2 * max(len(widths) - 1, 0)
    if sum(widths) <= room:
        return widths
    # The largest cap c with sum(min(w, c)) <= room, found over the sorted widths in one pass.
    ordered = sorted(widths)
    below = 0
    cap = 1
    for i, w in enumerate(ordered):
        left = len(ordered) - i
        if below + w * left > room:
            cap = max((room - below) // left, 1)
            break
        below += w
    return [min(w, cap) for w in widths]
