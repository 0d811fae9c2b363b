"""Turn command text (`/h2h "Jakob Ingebrigtsen" kerr event:1500m season:2024 finals`) into an Invocation,
and an Invocation into the command's typed Args, or back into text (invocation_line).

Slack and the console both type commands as text; Discord hands us options already split. Either
way each value is checked here, by its parameter's kind, and converted here once: handlers get
ints, discipline codes, genders and periods, never text to convert again.
"""
from __future__ import annotations

import re
from typing import Any

from bot.commands.again import event_words, line, quoted
from bot.commands.registry import Args, Command, Invocation, Kind, Param, Registry
from bot.domain.disciplines import parse_discipline
from bot.domain.gender import parse_gender
from bot.domain.periods import parse_period
from bot.errors import UserError

# Longer than any real command (two full names, an event, a season and a date fit in 120), and
# short enough that nothing typed can keep the event loop busy: parsing and name lookups are linear
# in it, but the fuzzy matching behind them is not free per word.
MAX_COMMAND_CHARS = 500
_QUOTES = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}
KEYWORD = re.compile(r"^([a-z_]+):(.*)$", re.I)
_TRUE = ("1", "true", "yes", "on")
_EXAMPLES = {Kind.EVENT: "1500m, mile, high jump", Kind.SEASON: "2024", Kind.GENDER: "men or women",
             Kind.DATE: "2023-08-22", Kind.NUMBER: "10", Kind.PAGE: "page:2"}


def check_command(text: str) -> None:
    """Refuse, before any work is done on it, a command line longer than MAX_COMMAND_CHARS or
    holding a NUL (no name, event or option has one, and it would reach logs and the store)."""
    if len(text) > MAX_COMMAND_CHARS:
        raise UserError(f"That is too long for a command ({len(text):,} characters; "
                        f"up to {MAX_COMMAND_CHARS}).", "Try /help for the commands and what they take.")
    if "\0" in text:
        raise UserError("That command holds a NUL character, which no name or option has.",
                        "Type it again without it.")


def tokenize(text: str) -> list[tuple[str, bool]]:
    """Split on spaces, keeping quoted groups whole; each token says whether it was quoted."""
    for fancy, plain in _QUOTES.items():
        text = text.replace(fancy, plain)
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'" and (i == 0 or text[i - 1].isspace()):
            end = text.find(ch, i + 1)
            if end != -1:
                tokens.append((text[i + 1:end].strip(), True))
                i = end + 1
                continue
            if ch == '"':
                raise UserError("A quote is not closed.", "Put names with spaces in quotes: \"Jakob Ingebrigtsen\".")
        j = i
        while j < n and not text[j].isspace():
            j += 1
        tokens.append((text[i:j], False))
        i = j
    return [(t, q) for t, q in tokens if t]


def parse_season(text: str) -> int | None:
    t = text.strip()
    if re.fullmatch(r"(19|20)[0-9][0-9]", t):  # [0-9], not \d: other scripts' digits are no season
        return int(t)
    return None


def recognise(kind: Kind, token: str) -> Any:
    """`token` as the value of a non-wordy parameter kind (the types Args holds), or None."""
    if kind == Kind.EVENT:
        d = parse_discipline(token)
        return d.code if d else None
    if kind == Kind.SEASON:
        return parse_season(token)
    if kind == Kind.GENDER:
        return parse_gender(token)
    if kind == Kind.DATE:
        return parse_period(token)
    if kind == Kind.NUMBER:  # not str.isdigit(): '²' is a digit to it, and int() refuses it
        return int(token) if re.fullmatch(r"[0-9]{1,9}", token) else None
    if kind == Kind.PAGE:
        return int(token) if re.fullmatch(r"0*[1-9][0-9]{0,5}", token) else None
    return None


def keyword_param(command: Command[Any], key: str) -> Param | None:
    key = key.lower()
    for p in command.params:
        if p.name == key or (key in p.choices and p.kind != Kind.CHOICE) or (p.kind.value == key and p.kind != Kind.FLAG):
            return p
    return None


def flag_param(command: Command[Any], word: str) -> Param | None:
    w = word.lower()
    for p in command.params:
        if p.kind == Kind.FLAG and (w == p.name or w in p.choices):
            return p
    return None


def parse(registry: Registry, text: str) -> Invocation:
    text = text.strip()
    check_command(text)
    if not text:
        raise UserError("Type a command, e.g. /h2h Kerr Ingebrigtsen.", "Try /help for the list.")
    tokens = tokenize(text)
    name = tokens[0][0].lstrip("/").lower()
    command = registry.get(name)
    if command is None:
        raise UserError(f"I don't know the command /{name}.", "Try /help for the list.")
    return parse_args(command, tokens[1:])


def join_events(command: Command[Any], tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Multi-word events typed without quotes ('high jump', '3000m sc') become one token."""
    if not any(p.kind == Kind.EVENT for p in command.params):
        return tokens
    out, i = [], 0
    while i < len(tokens):
        for n in (3, 2):
            group = tokens[i:i + n]
            if len(group) == n and not any(q for _, q in group) and ":" not in group[0][0] \
                    and parse_discipline(" ".join(t for t, _ in group)):
                out.append((" ".join(t for t, _ in group), False))
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def parse_args(command: Command[Any], tokens: list[tuple[str, bool]]) -> Invocation:
    inv = Invocation(command.name)
    words: list[str] = []
    for token, quoted in join_events(command, tokens):
        if not quoted:
            m = KEYWORD.match(token)
            if m and (p := keyword_param(command, m.group(1))):
                inv.args[p.name] = checked_value(p, m.group(2))
                continue
            if p := flag_param(command, token):
                inv.args[p.name] = True
                continue
            if p := _typed_slot(command, inv, token):
                continue
        elif p := _quoted_event(command, inv, token):
            continue  # '"long jump"' quoted is the event, as 'longjump' is
        words.append(token)
    _place_words(command, inv, words)
    return inv


def _typed_slot(command: Command[Any], inv: Invocation, token: str) -> Param | None:
    for p in command.params:
        if p.kind == Kind.CHOICE:
            if p.name not in inv.args and token.lower() in p.choices:
                inv.args[p.name] = token.lower()
                return p
            continue
        # Dates are keyword-only (since:2019-06-01): a bare year is a season.
        if p.kind.wordy or p.kind in (Kind.FLAG, Kind.DATE, Kind.PAGE) or p.name in inv.args:
            continue
        value = recognise(p.kind, token)
        if value is not None:
            inv.args[p.name] = value
            return p
    return None


def _quoted_event(command: Command[Any], inv: Invocation, token: str) -> Param | None:
    for p in command.params:
        if p.kind == Kind.EVENT and p.name not in inv.args and (value := recognise(p.kind, token)):
            inv.args[p.name] = value
            return p
    return None


def checked_value(p: Param, value: str) -> Any:
    """A parameter's value as its kind's type (see Args), or a UserError saying what would be valid."""
    value = value.strip()
    if p.kind.wordy:
        return value
    if p.kind == Kind.FLAG:  # finals_only:yes, spoiler:hide
        return value.lower() in (*_TRUE, p.name, *p.choices)
    if p.kind == Kind.CHOICE:
        if value.lower() not in p.choices:
            raise UserError(f"'{value}' is not a valid {p.name}.", f"Try one of: {', '.join(p.choices)}.")
        return value.lower()
    got = recognise(p.kind, value)
    if got is None:
        raise UserError(f"'{value}' is not a valid {p.name}.", f"Try {_EXAMPLES.get(p.kind, '')}.")
    return got


def typed_args(command: Command[Any], inv: Invocation) -> Args:
    """The invocation as the command's Args: its values are typed already, by checked_value and
    recognise, so nothing is converted twice."""
    unknown = sorted(set(inv.args) - {p.name for p in command.params})
    if unknown:
        raise UserError(f"/{command.name} has no option {', '.join(unknown)}.", f"Usage: {command.usage()}")
    return command.args_type(words=tuple(inv.words), **inv.args)


def _place_words(command: Command[Any], inv: Invocation, words: list[str]) -> None:
    slots = [p for p in command.params if p.kind.wordy and p.name not in inv.args]
    if not words:
        return
    if not slots:
        raise UserError(f"I don't understand '{' '.join(words)}' here.", f"Usage: {command.usage()}")
    if len(slots) == 1:
        inv.args[slots[0].name] = " ".join(words)
    elif len(words) == len(slots):
        inv.args.update({p.name: w for p, w in zip(slots, words)})
    else:
        # Several names typed without quotes: the command decides where one name ends.
        inv.words = words


def missing(command: Command[Any], inv: Invocation) -> list[Param]:
    return [p for p in command.params if p.required and p.name not in inv.args and not inv.words]


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
    written = line(command.name, *parts)
    if written is None:
        return None
    try:
        check_command(written)
        back = parse_args(command, tokenize(written.split(" ", 1)[1] if " " in written else ""))
    except UserError:
        return None
    return written if back.args == inv.args and back.words == inv.words else None
