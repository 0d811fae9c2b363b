"""Make data and user text inert in Discord: no markdown, no mentions, no masked links.

Every string in a Reply came from data or users, so the renderer passes each one through
`text()` (prose) or `code()` (inside a code block) exactly once.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from discord.utils import escape_markdown, escape_mentions

_ORDERED_LIST = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
# The one thing that can leave a code block is its own fence: swap backticks for a look-alike.
_BACKTICK_LOOKALIKE = "\u02cb"


def text(value: str) -> str:
    """Prose for embeds and content: markdown escaped, `@everyone`/`<@id>` defused."""
    escaped = escape_markdown(value)  # also breaks `[label](url)` masked links
    escaped = _ORDERED_LIST.sub(r"\1\\.", escaped)  # "1. " would start a list
    return escape_mentions(escaped)


def code(value: str) -> str:
    """A line inside a ``` block: markdown is off there, so only the fence needs defusing."""
    return escape_mentions(value.replace("`", _BACKTICK_LOOKALIKE))


def clip(value: str, limit: int) -> str:
    """Shorten to `limit` characters with an ellipsis; for titles and names, never table rows."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    # Do not leave a dangling escape backslash that would swallow the ellipsis.
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]
    return cut + "\u2026"


def timestamp(at: datetime) -> str:
    """`<t:UNIX:f> (<t:UNIX:R>)`: Discord shows it in each reader's own time zone."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # the core works in UTC
    unix = int(at.timestamp())
    return f"<t:{unix}:f> (<t:{unix}:R>)"


def text_plain(value: str) -> str:
    """For places Discord shows verbatim (embed footers): defuse mentions, keep the characters."""
    return escape_mentions(value)
