"""In-memory competition lookup: 'oslo 2024', 'bislett', 'pre classic', 'budapest 2023'."""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.models import Competition
from bot.names import fold

_YEAR = re.compile(r"^(19|20)\d\d$")
TOKEN_FUZZ = 80


def _token_score(word: str, tokens: list[str]) -> float:
    """1 for a prefix of a token ('pre' of 'prefontaine'), less for a near miss, else 0."""
    best = 0.0
    for t in tokens:
        if t.startswith(word):
            return 1.0
        if len(word) >= 4:
            r = fuzz.ratio(word, t)
            if r >= TOKEN_FUZZ:
                best = max(best, r / 100)
    return best


class CompetitionIndex:
    def __init__(self) -> None:
        self.by_id: dict[int, Competition] = {}
        self._tokens: dict[int, list[str]] = {}

    def load(self, competitions: list[Competition]) -> None:
        self.by_id = {c.id: c for c in competitions}
        self._tokens = {c.id: fold(f"{c.name} {c.venue} {c.series} {c.country}").split() for c in competitions}

    def search(self, text: str, limit: int = 5) -> list[tuple[Competition, float]]:
        words = fold(text).split()
        years = {int(w) for w in words if _YEAR.match(w)}
        words = [w for w in words if not _YEAR.match(w)]
        scored = []
        for cid, tokens in self._tokens.items():
            comp = self.by_id[cid]
            if years and comp.start.year not in years:
                continue
            score = sum(_token_score(w, tokens) for w in words) / len(words) if words else 1.0
            if score >= 0.5:
                scored.append((comp, score))
        scored.sort(key=lambda cs: (-round(cs[1], 2), -cs[0].start.toordinal()))
        return scored[:limit]

    def complete(self, partial: str, limit: int) -> list[tuple[str, str]]:
        found = self.search(partial, limit) if partial.strip() else [
            (c, 1.0) for c in sorted(self.by_id.values(), key=lambda c: c.start, reverse=True)[:limit]]
        return [(f"{c.label} ({c.venue}, {c.start.isoformat()})"[:100], f"#{c.id}")
                for c, _ in found]

    def resolve_id(self, text: str) -> Competition | None:
        t = text.strip()
        if t.startswith("#") and t[1:].isascii() and t[1:].isdigit():  # int() refuses "²"
            return self.by_id.get(int(t[1:]))
        return None
