"""Escaping for Slack mrkdwn: every string from data or users passes through here once.

Slack parses `<...>` as mentions and links (`<!channel>`, `<@U123>`, `<http://x|click>`), so
`&`, `<` and `>` become entities; with those gone no mention or link can be injected.
Text objects are also sent with `verbatim: true` so bare `@here` or `#general` stay plain words.

Slack has no escape for its formatting characters (`*bold*`, `_italic_`, `~strike~`, `` `code` ``,
a `>` quote at a line's start), and a zero-width space next to them makes Slack format *more*
eagerly, not less. So data shows them as look-alike characters, the substitution the jsx-slack
library makes for the same reason, and a leading quote gets an invisible soft hyphen before it.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Slack also formats with the full-width forms (typed by CJK keyboards).
_LOOKALIKES = {"*": "\u2217", "\uff0a": "\ufe61", "_": "\u02cd", "\uff3f": "\u2e0f",
               "~": "\u223c", "`": "\u02cb", "\uff40": "\u02cb"}
_MRKDWN = str.maketrans({**_ENTITIES, **_LOOKALIKES})
_QUOTE = re.compile(r"^([ \t]*)(?=&gt;|\uff1e)", re.MULTILINE)
_SOFT_HYPHEN = "\u00ad"
# A backtick in a table cell could close the ``` block and let the rest be parsed as mrkdwn.
_CODE_SAFE = str.maketrans({**_ENTITIES, "`": "\u02cb"})
# Old clients show a date token's fallback; it only needs to say roughly when.
_DATE_FALLBACK = 100


def mrkdwn(text: str) -> str:
    """Text for a mrkdwn field that shows as typed: no entity, mention, link or formatting."""
    return _QUOTE.sub(r"\1" + _SOFT_HYPHEN, text.translate(_MRKDWN))


def strong(text: str) -> str:
    """`*bold*` with the inner text escaped, line by line (Slack's bold never spans a line
    break); whitespace stays outside the stars, as Slack needs."""
    return "\n".join(_strong_line(line) for line in text.split("\n"))


def _strong_line(text: str) -> str:
    core = text.strip()
    if not core:
        return mrkdwn(text)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}*{mrkdwn(core)}*{trail}"


def code(text: str) -> str:
    """Escape text that goes inside a ``` block (Slack still parses entities there)."""
    return text.translate(_CODE_SAFE)


def plain(text: str) -> str:
    """plain_text objects show text literally and parse no mentions: nothing to escape."""
    return text


# A Moment's style as Slack's date token format: one form per place, never the same time twice.
_FORMATS = {"datetime": "{date_short_pretty} {time}", "time": "{time}", "date": "{date_short_pretty}",
            "relative": "{ago}"}


def date_token(at: datetime, fallback: str, style: str = "datetime") -> str:
    """Slack shows the date in each reader's own time zone; the fallback is for old clients."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # the core hands out UTC; be explicit about it
    unix = int(at.timestamp())
    if len(fallback) > _DATE_FALLBACK:
        fallback = fallback[: _DATE_FALLBACK - 1] + "\u2026"
    safe = mrkdwn(fallback).replace("|", "\u2223")  # `|` would end the token early
    return f"<!date^{unix}^{_FORMATS.get(style, _FORMATS['datetime'])}|{safe}>"
