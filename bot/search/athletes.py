"""In-memory athlete lookup: what a fan types -> scored candidates, in microseconds."""
from __future__ import annotations

import bisect
import heapq
from array import array
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.disciplines import discipline
from bot.domain.models import Athlete
from bot.search.names import fold, fold_once, initials
from bot.search.rows import Row, Rows
from bot.store import AthleteStat

FUZZY_CUTOFF = 82
LEADERS = 100  # ranked ahead for an empty autocomplete field: Discord shows 25


@dataclass(frozen=True)
class Candidate:
    athlete_id: int
    score: float  # 0-100: how well the text matches the name
    prominence: float  # how much and how recently the athlete raced
    typo: bool = False  # found only by tolerating a misspelling


def prominence(st: AthleteStat, today: date) -> float:
    """How much and how recently the athlete raced: ties in a name's match go to the busier."""
    years = (today - st.last_day).days / 365.25 if st.last_day else 20
    return st.results * (1.0 + max(0.0, 1.0 - years / 8))


def _keys(name: str, given: str, family: str) -> tuple[str, set[str], str | None, str, set[str]]:
    """What a name is found by: its full form, surnames, first given name, initials, word starts."""
    full, family, given = fold_once(name), fold_once(family), fold_once(given)
    families = {family, family.split()[-1] if family else ""} - {""}
    return (full, families, given.split()[0] if given else None, initials(given, family, folded=True),
            {full, family, given} - {""})


def _change(table: dict[str, Any], key: str, aid: int, add: bool) -> bool:  # Any: lists while loading, tuples after
    """Add `aid` under `key` (or take one of it away), ids kept in order; True when the key came or went."""
    ids = list(table.get(key, ()))
    if add:
        bisect.insort(ids, aid)
    else:
        ids.remove(aid)
    if ids:
        table[key] = tuple(ids)
    else:
        table.pop(key, None)
    return len(ids) == add


class StatRows(Rows[AthleteStat]):
    """Athletes' stats by id, made from their saved rows on first use (bot.search.rows)."""

    __slots__ = ()

    @staticmethod
    def encode(st: AthleteStat) -> Row:
        a = st.athlete
        return (a.id, a.name, a.given, a.family, a.country, a.gender, a.birth_year, a.birth_date,
                st.results, st.last_day, st.events)

    @staticmethod
    def decode(row: Row) -> AthleteStat:
        return AthleteStat(Athlete(*row[:8]), *row[8:])


class AthleteIndex:
    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.stats: Rows[AthleteStat] = StatRows()
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
        self._words: Counter[int] = Counter()  # words in a name -> how many names have that many
        self._aliases: dict[int, list[tuple[str, str, str]]] = {}  # athlete -> earlier names
        self.top = 0  # the largest athlete id held: a later one is new
        self._leaders: list[int] | None = None  # most prominent first, for an empty field; None: to rank

    def load(self, stats: list[AthleteStat], today: date,
             aliases: Iterable[tuple[int, str, str, str]] = ()) -> None:
        self._clear()
        for st in stats:
            a = st.athlete
            self.stats[a.id] = st
            self._add_name(a.id, a.name, a.given, a.family)
            self._prominence[a.id] = prominence(st, today)
        for aid, name, given, family in aliases:  # a name known before a source named them otherwise
            if aid in self.stats:
                self._add_name(aid, name, given, family)
                self._aliases.setdefault(aid, []).append((name, given, family))
        self._prefixes.sort()
        self._prefix_keys = [k for k, _ in self._prefixes]
        self._prefix_ids = array("i", (i for _, i in self._prefixes))
        self._prefixes = []
        self._families = defaultdict(list)
        for family in sorted(self._by_family):
            self._families[family[0]].append(family)
        # Most names belong to one athlete: a one-item tuple is half the size of a list. By id, so
        # an athlete added later sits where a build would put it.
        for table in (self._by_full, self._by_family, self._by_given, self._by_initials):
            for key, ids in table.items():
                # in place: a second copy of each table would be the peak
                table[key] = tuple(sorted(ids))  # type: ignore[assignment]  # lists while loading, tuples after: read only
        self.top = max(self.stats, default=0)

    def _add_name(self, aid: int, name: str, given: str, family: str) -> None:
        full, families, given_key, initials_key, prefixes = _keys(name, given, family)
        self._by_full[full].append(aid)
        self._words[full.count(" ") + 1] += 1
        self.most_words = max(self.most_words, full.count(" ") + 1)
        for key in families:
            self._by_family[key].append(aid)
        if given_key is not None:
            self._by_given[given_key].append(aid)
        self._by_initials[initials_key].append(aid)
        for word_start in prefixes:
            self._prefixes.append((word_start, aid))

    # --- live changes (bot.index_delta): one turn of the event loop, no await inside ------
    def update(self, stats: dict[int, AthleteStat | None], aliases: dict[int, list[tuple[str, str, str]]],
               today: date, prominences: dict[int, float] | None = None) -> None:
        """These athletes as they are now (None: gone), with their earlier names. `prominences`,
        when the newest result's day moved, are every athlete's computed for `today` beforehand."""
        self._leaders = None
        if prominences is not None:
            self._prominence = prominences
        for aid in sorted(stats):
            old, st = self.stats.get(aid), stats[aid]
            before = [(old.athlete.name, old.athlete.given, old.athlete.family), *self._aliases.get(aid, ())] \
                if old is not None else []
            after = [(st.athlete.name, st.athlete.given, st.athlete.family), *aliases.get(aid, [])] \
                if st is not None else []
            if before != after:  # a new result leaves the names alone: most of a poll's athletes
                for name in before:
                    self._change_name(aid, *name, add=False)
                for name in after:
                    self._change_name(aid, *name, add=True)
                self._aliases.pop(aid, None)
                if after[1:]:
                    self._aliases[aid] = after[1:]
            if st is None:
                self.stats.pop(aid, None)
                self._prominence.pop(aid, None)
                continue
            self.stats[aid] = st  # in place when known: ties in prominence keep a build's order
            self._prominence[aid] = prominence(st, today)
            self.top = max(self.top, aid)
        self.most_words = max([1] + [n for n, count in self._words.items() if count > 0])

    def _change_name(self, aid: int, name: str, given: str, family: str, *, add: bool) -> None:
        full, families, given_key, initials_key, prefixes = _keys(name, given, family)
        self._words[full.count(" ") + 1] += 1 if add else -1
        _change(self._by_full, full, aid, add)
        for key in families:
            if _change(self._by_family, key, aid, add):  # a surname new to the index, or gone from it
                letter = self._families.setdefault(key[0], [])
                if add:
                    bisect.insort(letter, key)
                else:
                    letter.remove(key)
                    if not letter:
                        del self._families[key[0]]
        if given_key is not None:
            _change(self._by_given, given_key, aid, add)
        _change(self._by_initials, initials_key, aid, add)
        keys, ids = self._prefix_keys, self._prefix_ids
        for key in prefixes:
            lo = bisect.bisect_left(keys, key)
            hi = bisect.bisect_right(keys, key, lo)
            if add:
                at = lo + bisect.bisect_left(ids[lo:hi], aid)
                keys.insert(at, key)
                ids.insert(at, aid)
            else:
                at = lo + list(ids[lo:hi]).index(aid)
                del keys[at], ids[at]

    def dump(self) -> dict[str, Any]:
        """Everything held, in a canonical form: two indexes of the same store dump equal."""
        tables = (self._by_full, self._by_family, self._by_given, self._by_initials)
        return {"stats": dict(sorted(self.stats.items())), "prominence": dict(sorted(self._prominence.items())),
                "tables": [{k: tuple(v) for k, v in sorted(t.items()) if v} for t in tables],
                "prefixes": list(zip(self._prefix_keys, self._prefix_ids)),
                "families": {k: v for k, v in sorted(self._families.items()) if v},
                "most_words": self.most_words, "aliases": dict(sorted(self._aliases.items()))}

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
        from rapidfuzz import fuzz, process  # on the first typo: an exact name never needs it

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

    def _most_prominent(self, limit: int) -> list[int]:
        """Discord asks the moment a field is focused: ranked once per change of the index, not per
        keystroke (sorting every athlete took 10-19 ms at a million results)."""
        if self._leaders is None or len(self._leaders) < min(limit, len(self._prominence)):
            self._leaders = heapq.nlargest(max(limit, LEADERS), self._prominence, key=self._prominence.__getitem__)
        return self._leaders[:limit]

    def complete(self, partial: str, rivals: dict[int, int], limit: int) -> list[int]:
        """Athlete ids for autocomplete: prefix matches first, rivals of the other athlete favoured."""
        q = fold(partial)
        if not q:
            pool = set(rivals) or set(self._most_prominent(limit))
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
