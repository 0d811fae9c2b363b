"""Which global or continental championship a competition is, read from its name as sources give it.

Writers call the Budapest 2023 1500m final "the world final": a championship final is a story of
its own, unlike a Diamond League race. Youth, junior, team, relay, road and cross-country
championships are not what "the world final" means, so they are left plain.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.domain.models import Competition
from bot.search.names import fold

# (pattern over the folded name, how writers name its final) in order: the indoor ones first
_KINDS = [
    (re.compile(r"\bolympic games\b"), "Olympic"),
    (re.compile(r"\bworld (athletics )?indoor championships\b"), "world indoor"),
    (re.compile(r"\bworld (athletics )?championships\b"), "world"),
    (re.compile(r"\beuropean (athletics )?indoor championships\b"), "European indoor"),
    (re.compile(r"\beuropean (athletics )?championships\b"), "European"),
    (re.compile(r"\bcommonwealth games\b"), "Commonwealth"),
]
_NOT_SENIOR = re.compile(r"\b(u ?1\d|u ?2\d|junior|juniors|youth|team|teams|relays|race ?walking|cross|road|"
                         r"half marathon|marathon|mountain|masters|university|universiade|para|deaflympics|"
                         r"paralympic|military|cup)\b")


def championship(c: Competition) -> str:
    """'world', 'Olympic', 'European indoor'...; '' for any other competition."""
    return _kind(c.name, c.series)


@lru_cache(maxsize=4096)  # a reply asks once per meeting, and the same few competitions recur
def _kind(name: str, series: str) -> str:
    name = fold(f"{name} {series}")
    if _NOT_SENIOR.search(name):
        return ""
    return next((kind for pattern, kind in _KINDS if pattern.search(name)), "")
