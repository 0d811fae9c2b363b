"""Command text that runs a command again with one thing changed (a page, a filter, a chosen
athlete): what a button or a menu option carries (bot.actions), read back by bot.commands.parsing
exactly as if typed. None where a value cannot be written so that it reads back the same."""
from __future__ import annotations

from typing import Any

from bot.commands.parsing import check_command, parse_args, tokenize
from bot.commands.registry import Command, Invocation, Kind
from bot.domain.disciplines import discipline, parse_discipline
from bot.errors import UserError


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


def invocation_line(command: Command[Any], inv: Invocation) -> str | None:
    """The command text that parses back to `inv` (however it came: typed, or Discord's options),
    so any answer can be asked again; None when no text reads back the same."""
    parts: list[str | None] = []
    for p in command.params:
        if p.name not in inv.args:
            continue
        value = inv.args[p.name]
        if p.kind == Kind.FLAG:
            parts.append(p.name if value else "")
        elif p.kind == Kind.EVENT:
            parts.append(event_words(value))
        elif p.kind == Kind.DATE:
            parts.append(f"{p.name}:{value.text}")
        elif p.kind.wordy:
            text = " ".join(str(value).split())
            simple = text and not any(c in text for c in " \"'") and not text.startswith("/")
            parts.append(f"{p.name}:{text}" if simple else quoted(text))
        else:
            parts.append(f"{p.name}:{value}")
    parts += inv.words
    text = line(command.name, *parts)
    if text is None:
        return None
    try:
        check_command(text)
        back = parse_args(command, tokenize(text.split(" ", 1)[1] if " " in text else ""))
    except UserError:
        return None
    return text if back.args == inv.args and back.words == inv.words else None
