"""In-memory competition lookup: 'oslo 2024', 'bislett', 'pre classic', 'budapest 2023'."""
from __future__ import annotations

import bisect
import re
from array import array
from datetime import date
from sys import intern
from collections import defaultdict
from typing import Any, Iterable

from bot.domain.models import Competition
from bot.search.names import fold
from bot.search.rows import Row, Rows

_YEAR = re.compile(r"^(19|20)\d\d$")
TOKEN_FUZZ = 80


def _is_prefix(word: str, sorted_words: list[str]) -> bool:
    """`word` starts one of `sorted_words` ('promo' of 'promotional')."""
    at = bisect.bisect_left(sorted_words, word)
    return at < len(sorted_words) and sorted_words[at].startswith(word)


class CompetitionRows(Rows[Competition]):
    """Competitions by id, made from their saved rows on first use (bot.search.rows)."""

    __slots__ = ()

    @staticmethod
    def encode(c: Competition) -> Row:
        return (c.id, c.name, c.venue, c.country, c.start.toordinal(), c.end.toordinal(), c.series, c.category)

    @staticmethod
    def decode(row: Row) -> Competition:
        cid, name, venue, country, start, end, series, category = row
        return Competition(cid, intern(name), intern(venue), intern(country), date.fromordinal(start),
                           date.fromordinal(end), intern(series), intern(category))


class CompetitionIndex:
    def __init__(self) -> None:
        self.by_id: Rows[Competition] = CompetitionRows()
        # competition -> its words: one string object per distinct word (the vocabulary's), in a
        # tuple, since 40,000 competitions' words were 20 MB as lists of fresh strings
        self._tokens: dict[int, tuple[str, ...]] = {}
        self._vocabulary: list[str] = []  # every competition word, sorted
        self._with_token: dict[str, array[int]] = {}  # competition word -> competitions
        self._label_words: dict[int, list[str]] = {}  # competition -> its races' label words, sorted
        # by competition id (arrays: 4 bytes each, where dicts of ints took 60)
        self._full = array("i")  # how many of its races racebot knows whole
        self._races = array("i")  # how many races it holds: 0 for none
        self.top = 0  # the largest competition id held: a later one is new

    def load(self, competitions: list[Competition], race_labels: Iterable[tuple[int, str, bool]] = ()) -> None:
        self.by_id = CompetitionRows()
        for c in competitions:
            self.by_id[c.id] = c
        self.by_id.pack()  # the objects are made again when asked for (bot.search.rows)
        self.top = max(self.by_id, default=0)
        words: dict[str, str] = {}
        self._tokens = {c.id: tuple(words.setdefault(w, w) for w in fold(f"{c.name} {c.venue} {c.series} {c.country}").split())
                        for c in competitions}
        with_token: dict[str, list[int]] = defaultdict(list)
        for cid, tokens in self._tokens.items():
            for t in set(tokens):
                with_token[t].append(cid)
        # arrays: a list held an int object per entry once unpickled (racebot.index_snapshot)
        self._with_token = {t: array("i", ids) for t, ids in with_token.items()}
        self._vocabulary = sorted(self._with_token)
        label_words: dict[int, set[str]] = defaultdict(set)
        full: dict[int, int] = defaultdict(int)
        races: dict[int, int] = defaultdict(int)
        for cid, label, partial in race_labels:
            full[cid] += not partial
            races[cid] += 1
            if label:
                label_words[cid].update(words.setdefault(w, w) for w in fold(label).split())
        size = max(races, default=-1) + 1
        self._full, self._races = array("i", bytes(4 * size)), array("i", bytes(4 * size))
        for cid, n in races.items():
            self._full[cid], self._races[cid] = full[cid], n
        self._label_words = {cid: sorted(w) for cid, w in label_words.items()}

    # --- live changes (bot.index_delta): one turn of the event loop, no await inside ------
    def update(self, competitions: list[Competition], race_labels: dict[int, list[tuple[str, bool]]]) -> None:
        """These competitions as they are now, with every race label each holds. A competition
        is never taken away: linking folds only competitions new in the same write."""
        for comp in competitions:
            self._set_tokens(comp.id, fold(f"{comp.name} {comp.venue} {comp.series} {comp.country}").split())
            self.by_id[comp.id] = comp
            self.top = max(self.top, comp.id)
        for cid in {c.id for c in competitions}:
            labels = race_labels.get(cid, [])
            self._label_words.pop(cid, None)
            for table in (self._full, self._races):
                if cid >= len(table):
                    table.extend(bytes(4 * (cid + 1 - len(table))))
            self._full[cid] = sum(not partial for _, partial in labels)
            self._races[cid] = len(labels)
            if any(label for label, _ in labels):
                self._label_words[cid] = sorted({w for label, _ in labels if label for w in fold(label).split()})

    def _set_tokens(self, cid: int, words: list[str]) -> None:
        tokens = tuple(self._vocabulary[at] if (at := bisect.bisect_left(self._vocabulary, w)) < len(self._vocabulary)
                       and self._vocabulary[at] == w else w for w in words)
        for t in set(self._tokens.get(cid, ())) - set(tokens):
            holders = self._with_token[t]
            holders.remove(cid)
            if not holders:
                del self._with_token[t]
                del self._vocabulary[bisect.bisect_left(self._vocabulary, t)]
        for t in sorted(set(tokens) - set(self._tokens.get(cid, ()))):
            if t not in self._with_token:
                self._with_token[t] = array("i")
                bisect.insort(self._vocabulary, t)
            self._with_token[t].append(cid)
        self._tokens[cid] = tokens

    def dump(self) -> dict[str, Any]:
        """Everything held, in a canonical form: two indexes of the same store dump equal."""
        held = [cid for cid, n in enumerate(self._races) if n]
        return {"by_id": dict(sorted(self.by_id.items())), "tokens": dict(sorted(self._tokens.items())),
                "vocabulary": self._vocabulary, "full": {cid: self._full[cid] for cid in held},
                "with_token": {t: sorted(ids) for t, ids in sorted(self._with_token.items())},
                "races": {cid: self._races[cid] for cid in held}, "labels": dict(sorted(self._label_words.items()))}

    def find(self, text: str, limit: int = 5) -> list[tuple[Competition, float, tuple[str, ...]]]:
        """Competitions the text names, best first, each with the words left for its races: label
        words ('oslo 2024 national') that name none of the competition's own words."""
        words = fold(text).split()
        years = {int(w) for w in words if _YEAR.match(w)}
        words = [w for w in words if not _YEAR.match(w)]
        matches = {w: self._competition_scores(w) for w in words}
        scored = []
        for cid in self._tokens:
            comp = self.by_id[cid]
            if years and comp.start.year not in years:
                continue
            scores = [(w, matches[w].get(cid, 0.0)) for w in words]
            labels = self._label_words.get(cid, [])
            # A word of one of this competition's race labels ('national', 'u20') picks races there.
            left = tuple(w for w, s in scores if not s and _is_prefix(w, labels))
            counted = [s for w, s in scores if w not in left]
            if counted:
                score = sum(counted) / len(counted)
            else:  # only race words: the year alone must name the competition
                score = 1.0 if years else 0.0
            if score >= 0.5:
                scored.append((comp, score, left))
        # Equally named, the latest season, and in it the meeting with the most races racebot knows
        # whole, then the most races: "stockholm 2021" is the Diamond League meeting, not the
        # Finland-Sweden match that athletes' career histories tell in part; "budapest 2023" is the
        # World Championships, not a national team match of that summer.
        scored.sort(key=lambda cs: (-round(cs[1], 2), -cs[0].start.year, -self._count(self._full, cs[0].id),
                                    -self._count(self._races, cs[0].id), -cs[0].start.toordinal()))
        return scored[:limit]

    @staticmethod
    def _count(table: array[int], cid: int) -> int:
        return table[cid] if 0 <= cid < len(table) else 0

    def _competition_scores(self, word: str) -> dict[int, float]:
        """Competition id -> how well the word names one of its words."""
        best: dict[int, float] = {}
        for token, score in self._word_matches(word).items():
            for cid in self._with_token[token]:
                if best.get(cid, 0.0) < score:
                    best[cid] = score
        return best

    def _word_matches(self, word: str) -> dict[str, float]:
        """Competition words a typed word may mean: 1 for a prefix ('pre' of 'prefontaine'), less
        for a near miss. Scored once against the vocabulary, not once per competition."""
        found: dict[str, float] = {}
        at = bisect.bisect_left(self._vocabulary, word)
        while at < len(self._vocabulary) and self._vocabulary[at].startswith(word):
            found[self._vocabulary[at]] = 1.0
            at += 1
        if len(word) >= 4:
            from rapidfuzz import fuzz, process  # on first use: a one-shot /h2h never loads it

            for token, score, _ in process.extract(word, self._vocabulary, scorer=fuzz.ratio,
                                                   score_cutoff=TOKEN_FUZZ, limit=None):
                found.setdefault(token, score / 100)
        return found

    def search(self, text: str, limit: int = 5) -> list[tuple[Competition, float]]:
        return [(c, s) for c, s, _ in self.find(text, limit)]

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
