"""A command's usage and examples as typed where the question came from (registry.Syntax).

The declarations hold one form, text as Slack and the console type it. Discord's clients offer
each parameter as a named option instead, so there `/h2h Kerr Ingebrigtsen event:1500m` reads
`/h2h athlete_a:Kerr athlete_b:Ingebrigtsen event:1500m`; on Slack a command whose name Slack
keeps for itself is typed after the umbrella: `/racebot status`.
"""
from __future__ import annotations

from typing import Any

from bot.commands.parsing import KEYWORD, flag_param, join_events, keyword_param, recognise, tokenize
from bot.commands.registry import Command, Kind, Param, Syntax


def usage(cmd: Command[Any], syntax: Syntax) -> str:
    if not syntax.options:
        return syntax.command(cmd.name) + cmd.usage().removeprefix(f"/{cmd.name}")
    parts = [syntax.command(cmd.name)]
    for p in sorted(cmd.params, key=lambda p: not p.required):  # Discord lists required ones first
        parts.append(f"{p.name}:…" if p.required else f"[{p.name}:…]")
    return " ".join(parts)


def example(cmd: Command[Any], text: str, syntax: Syntax) -> str:
    """`text`, an example declared as typed (`/h2h Kerr Ingebrigtsen`), as typed with `syntax`."""
    rest = text.strip().removeprefix(f"/{cmd.name}").strip()
    if syntax.options:
        rest = " ".join(f"{name}:{value}" for name, value in _options(cmd, rest))
    return f"{syntax.command(cmd.name)} {rest}".rstrip()


def _options(cmd: Command[Any], text: str) -> list[tuple[str, str]]:
    """The example's values by option name, as typed: the text parser's rules (bot.commands.parsing)
    without converting any value."""
    given: dict[str, str] = {}
    words: list[str] = []
    for token, quoted in join_events(cmd, tokenize(text)):
        p: Param | None = None
        if not quoted:
            m = KEYWORD.match(token)
            if m and (p := keyword_param(cmd, m.group(1))):
                given[p.name] = m.group(2)
                continue
            if p := flag_param(cmd, token):
                given[p.name] = "True"
                continue
        p = next((q for q in cmd.params if q.name not in given and q.kind not in (Kind.FLAG, Kind.DATE)
                  and (not q.kind.wordy) and (not quoted or q.kind == Kind.EVENT)
                  and recognise(q.kind, token) is not None), None)
        if p is not None:
            given[p.name] = token
            continue
        words.append(token)
    slots = [p for p in cmd.params if p.kind.wordy and p.name not in given]
    if words and slots:
        if len(words) == len(slots) and not any("," in w for w in words):
            given.update({p.name: w for p, w in zip(slots, words)})
        else:  # a list ("Josh Kerr", "Jakob Ingebrigtsen") is one value of the first name option
            slot = next((p for p in slots if p.kind == Kind.ATHLETE and "," in text), slots[0])
            given[slot.name] = " ".join(words).replace(" ,", ",")
    order = {p.name: i for i, p in enumerate(sorted(cmd.params, key=lambda p: not p.required))}
    return sorted(given.items(), key=lambda kv: order.get(kv[0], len(order)))
