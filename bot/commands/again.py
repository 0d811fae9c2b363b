"""Command text that runs a command again with one thing changed (a page, a filter, a chosen
athlete): what a button or a menu option carries (bot.actions), read back by bot.commands.parsing
exactly as if typed. None where a value cannot be written so that it reads back the same."""
from __future__ import annotations

from bot.domain.disciplines import discipline, parse_discipline


def line(command: str, *parts: str | None) -> str | None:
    """`/command part part ...`, or None when a part could not be written."""
    if any(p is None for p in parts):
        return None
    return " ".join([f"/{command}", *(p for p in parts if p)])


def quoted(text: str) -> str | None:
    """Free words (a competition as typed, a name) as one token; None if no quote can hold them."""
    text = " ".join(text.split())
    for mark in ('"', "'"):
        if mark not in text and text:
            return f"{mark}{text}{mark}"
    return None


def event_words(code: str) -> str | None:
    """An event as a token parsing back to `code`: its name (`event:1500m`, `"1500m indoor"`)."""
    for text in (discipline(code).name, code):
        found = parse_discipline(text)
        if found is not None and found.code == code:
            return f"event:{text}" if " " not in text else quoted(text)
    return None


def page_word(page: int) -> str:
    return f"page:{page}" if page > 1 else ""

