"""In-memory athlete lookup: what a fan types -> scored candidates, in microseconds."""
from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from typing import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from bot.domain.disciplines import discipline
from bot.search.names import fold, fold_once, initials
from bot.store import AthleteStat

FUZZY_CUTOFF = 82


@dataclass(frozen=True)
class Candidate:
    athlete_id: int
    score: float  # 0-100: how well the text matches the name
    prominence: float  # how much and how recently the athlete raced
    typo: bool = False  # found only by tolerating a misspelling


class AthleteIndex:
    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.stats: dict[int, AthleteStat] = {}
        self._by_full: dict[str, list[int]] = defaultdict(list)
        self._by_family: dict[str, list[int]] = defaultdict(list)
        self._by_given: dict[str, list[int]] = defaultdict(list)
        self._by_initials: dict[str, list[int]] = defaultdict(list)
        self._prefixes: list[tuple[str, int]] = []  # while loading; then the two below
        self._prefix_keys: list[str] = []
        self._prefix_ids = array("i")
        self._families: dict[str, list[str]] = {}  # first letter -> folded family names
        self._prominence: dict[int, float] = {}
        self.most_words = 1  # in any athlete's name: where two typed names may split is bounded by it

    def load(self, stats: list[AthleteStat], today: date,
             aliases: Iterable[tuple[int, str, str, str]] = ()) -> None:
        self._clear()
        for st in stats:
            a = st.athlete
            self.stats[a.id] = st
            self._add_name(a.id, a.name, a.given, a.family)
            years = (today - st.last_day).days / 365.25 if st.last_day else 20
            self._prominence[a.id] = st.results * (1.0 + max(0.0, 1.0 - years / 8))
        for aid, name, given, family in aliases:  # a name known before a source named them otherwise
            if aid in self.stats:
                self._add_name(aid, name, given, family)
        self._prefixes.sort()
        self._prefix_keys = [k for k, _ in self._prefixes]
        self._prefix_ids = array("i", (i for _, i in self._prefixes))
        self._prefixes = []
        self._families = defaultdict(list)
        for family in sorted(self._by_family):
            self._families[family[0]].append(family)
        # Most names belong to one athlete: a one-item tuple is half the size of a list.
        for table in (self._by_full, self._by_family, self._by_given, self._by_initials):
            for key, ids in table.items():
                # in place: a second copy of each table would be the peak
                table[key] = tuple(ids)  # type: ignore[assignment]  # lists while loading, tuples after: read only

    def _add_name(self, aid: int, name: str, given: str, family: str) -> None:
        full, family, given = fold_once(name), fold_once(family), fold_once(given)
        self._by_full[full].append(aid)
        self.most_words = max(self.most_words, full.count(" ") + 1)
        for key in {family, family.split()[-1] if family else ""} - {""}:
            self._by_family[key].append(aid)
        if given:
            self._by_given[given.split()[0]].append(aid)
        self._by_initials[initials(given, family, folded=True)].append(aid)
        for word_start in {full, family, given} - {""}:
            self._prefixes.append((word_start, aid))

    def __len__(self) -> int:
        return len(self.stats)

    def prominence(self, athlete_id: int) -> float:
        return self._prominence.get(athlete_id, 0.0)

    def candidates(self, text: str, limit: int = 8) -> list[Candidate]:
        """Every athlete the text could mean, best first (match quality, then prominence)."""
        scores: dict[int, float] = {}

        def hit(ids: Sequence[int], score: float) -> None:
            for i in ids:
                if scores.get(i, 0) < score:
                    scores[i] = score

        q = fold(text)
        if not q:
            return []
        if q.startswith("#") or text.strip().startswith("#"):
            ident = text.strip().lstrip("#")
            if ident.isascii() and ident.isdigit() and int(ident) in self.stats:  # int() refuses "²"
                return [Candidate(int(ident), 100.0, self.prominence(int(ident)))]
        hit(self._by_full.get(q, []), 100)
        words = q.split()
        for turned in (words[1:] + words[:1], words[-1:] + words[:-1]):  # "Ingebrigtsen Jakob"
            if len(words) > 1:
                hit(self._by_full.get(" ".join(turned), []), 99)
        hit(self._by_family.get(q, []), 95)
        if len(words) >= 2 and len(words[0]) == 1:  # "j ingebrigtsen"
            hit([i for i in self._by_family.get(words[-1], [])
                 if fold(self.stats[i].athlete.given).startswith(words[0])], 97)
        if len(words) == 1:
            # A given name alone ('Jakob') competes with surnames; prominence then decides.
            hit(self._by_given.get(q, []), 93)
            typed = text.strip()
            if len(q) <= 3:
                # 'JI' typed in capitals is initials more often than a surname.
                hit(self._by_initials.get(q, []), 96 if typed.isupper() and len(typed) >= 2 else 80)
        typo = not scores
        if typo:
            self._fuzzy(q, hit)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -self.prominence(kv[0])))
        return [Candidate(i, s, self.prominence(i), typo) for i, s in ranked[:limit]]

    def _fuzzy(self, q: str, hit: Callable[[Sequence[int], float], None]) -> None:
        """Typos: match the surname against surnames sharing its first letter (a typo in the
        first letter is rare, and the bucket keeps this fast at 50,000 athletes). Where the
        surname starts is unknown ('Holub-Kowalk', 'Wayde Van Niekrek'): every split is tried,
        each against whole surnames, two-word and hyphenated ones included."""
        words = q.split()
        for cut in range(len(words)):
            family, given = " ".join(words[cut:]), " ".join(words[:cut])
            for found, score, _ in process.extract(family, self._families.get(family[0], []),
                                                   scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF):
                ids = self._by_family[found]
                if given:
                    ids = [i for i in ids if fuzz.ratio(given, fold(self.stats[i].athlete.given)) >= 70]
                hit(ids, score * 0.92)

    def label(self, athlete_id: int) -> str:
        """'Josh Kerr (GBR, 1500m)': enough to tell namesakes apart."""
        st = self.stats[athlete_id]
        event = discipline(st.events[0]).name if st.events else ""
        bits = ", ".join(x for x in (st.athlete.country, event) if x)
        return f"{st.athlete.name} ({bits})" if bits else st.athlete.name

    def best_id(self, text: str) -> int | None:
        found = self.candidates(text, limit=1)
        return found[0].athlete_id if found else None

    def complete(self, partial: str, rivals: dict[int, int], limit: int) -> list[int]:
        """Athlete ids for autocomplete: prefix matches first, rivals of the other athlete favoured."""
        q = fold(partial)
        if not q:
            pool = set(rivals) or set(sorted(self._prominence, key=lambda i: self._prominence[i])[-limit:])
        else:
            pool = set()
            start = bisect.bisect_left(self._prefix_keys, q)
            for name, ident in zip(self._prefix_keys[start:start + 400], self._prefix_ids[start:start + 400]):
                if not name.startswith(q):
                    break
                pool.add(ident)
            if len(pool) < limit:
                pool.update(c.athlete_id for c in self.candidates(partial, limit=limit))
        ranked = sorted(pool, key=lambda i: (-rivals.get(i, 0), -self.prominence(i)))
        return ranked[:limit]
