"""Escaping for Slack mrkdwn: every string from data or users passes through here once.

Slack parses `<...>` as mentions and links (`<!channel>`, `<@U123>`, `<http://x|click>`), so
`&`, `<` and `>` become entities; with those gone no mention or link can be injected.
Text objects are also sent with `verbatim: true` so bare `@here` or `#general` stay plain words.
"""
from __future__ import annotations

from datetime import datetime, timezone

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Inside a bold span a literal `*` would end the emphasis early; U+2217 looks the same.
_STRONG_SAFE = str.maketrans({"*": "\u2217"})
# A backtick in a table cell could close the ``` block and let the rest be parsed as mrkdwn.
_CODE_SAFE = str.maketrans({"`": "\u02cb"})


def mrkdwn(text: str) -> str:
    """Escape text for a mrkdwn field."""
    return text.translate(_ENTITIES)


def strong(text: str) -> str:
    """`*bold*` with the inner text escaped; whitespace stays outside the stars, as Slack needs."""
    core = text.strip()
    if not core:
        return mrkdwn(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}*{mrkdwn(core.translate(_STRONG_SAFE))}*{trail}"


def code(text: str) -> str:
    """Escape text that goes inside a ``` block (Slack still parses entities there)."""
    return mrkdwn(text.translate(_CODE_SAFE))


def plain(text: str) -> str:
    """plain_text objects show text literally and parse no mentions: nothing to escape."""
    return text


def date_token(at: datetime, fallback: str) -> str:
    """Slack shows the date in each reader's own time zone; the fallback is for old clients."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # the core hands out UTC; be explicit about it
    unix = int(at.timestamp())
    safe = mrkdwn(fallback).replace("|", "\u2223")  # `|` would end the token early
    return f"<!date^{unix}^{{date_short_pretty}} {{time}}|{safe}>"
