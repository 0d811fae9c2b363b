"""Make data and user text inert in Discord: no markdown, no mentions, no masked links.

Every string in a Reply came from data or users, so the renderer passes each one through
`text()` (prose) or `code()` (inside a code block) exactly once.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from discord.utils import escape_mentions

# Discord's markdown takes a backslash before any ASCII punctuation as "show it literally",
# so every character that can start formatting gets one; the cost is linear in the text.
# discord.utils.escape_markdown leaves URLs alone (a masked link's target stays a live link)
# and its patterns backtrack on long lines, so we do it ourselves.
# `[` starts a masked link, `<` a link, mention or timestamp; `|` spoilers, `~` strikes,
# `*`/`_` emphasis, `` ` `` code, `>` quotes, `\` itself.
_INLINE = str.maketrans({c: "\\" + c for c in "\\*_~|`[]<>"})
# At a line's start `#` makes a heading, `-#` subtext, `-`/`+` a list item, `1.` a numbered one.
_LINE_START = re.compile(r"^([ \t]*)([-+#])", re.MULTILINE)
_LIST_DOT = re.compile(r"^([ \t]*\d+)\.(?=[ \t])", re.MULTILINE)
# A scheme's `://` is what Discord turns into a clickable link (and a preview card).
_SCHEME = re.compile(r"(?<=[A-Za-z0-9]):(?=//)")
# The one thing that can leave a code block is its own fence: swap backticks for a look-alike.
_BACKTICK_LOOKALIKE = "\u02cb"


def text(value: str) -> str:
    """Prose for embeds and content: shows as typed, no markdown, mention, link or preview."""
    escaped = value.translate(_INLINE)
    escaped = _LIST_DOT.sub(r"\1\\.", escaped)
    escaped = _LINE_START.sub(r"\1\\\2", escaped)
    escaped = _SCHEME.sub(r"\\:", escaped)
    return escape_mentions(escaped)


def code(value: str) -> str:
    """A line inside a ``` block: markdown is off there, so only the fence needs defusing."""
    return escape_mentions(value.replace("`", _BACKTICK_LOOKALIKE))


def clip(value: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis; for titles and names, never table rows."""
    if len(value) <= limit:
        return value
    if limit < 1:
        return ""
    cut = value[: limit - 1]
    # Do not leave a dangling escape backslash (an odd run at the end) to swallow the ellipsis.
    run = len(cut) - len(cut.rstrip("\\"))
    if run % 2:
        cut = cut[:-1]
    return cut + "\u2026"


# A Moment's style as Discord's timestamp format: one form per place, never the same time twice.
_FORMATS = {"datetime": "f", "time": "t", "date": "D", "relative": "R"}


def timestamp(at: datetime, style: str = "datetime") -> str:
    """`<t:UNIX:f>` and the like: Discord shows it in each reader's own time zone."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # the core works in UTC
    return f"<t:{int(at.timestamp())}:{_FORMATS.get(style, 'f')}>"


def text_plain(value: str) -> str:
    """For places Discord shows verbatim (embed footers): defuse mentions, keep the characters."""
    return escape_mentions(value)
