"""In-memory athlete lookup: what a fan types -> scored candidates, in microseconds."""
from __future__ import annotations

import bisect
import heapq
import itertools
from array import array
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from sys import intern

from bot.domain.disciplines import discipline
from bot.search.names import fold, fold_once, initials
from bot.search.ranking import RANKED_FROM, Ranking
from bot.search.stats import StatRows
from bot.store import AthleteStat

FUZZY_CUTOFF = 82
PREFIX_POOL = 400  # prefix matches ranked for autocomplete: a short prefix matches thousands


@dataclass(frozen=True)
class Candidate:
    athlete_id: int
    score: float  # 0-100: how well the text matches the name
    prominence: float  # how much and how recently the athlete raced
    typo: bool = False  # found only by tolerating a misspelling


def reachable_lengths(n: int, cutoff: float = FUZZY_CUTOFF) -> range:
    """The lengths a name may have to score `cutoff` against a text of n characters by fuzz.ratio,
    100 * (1 - edits / total length): at least |n - m| insertions and deletions separate them, so
    m qualifies only if 200 * min(n, m) >= cutoff * (n + m). (A hair below the cutoff: rapidfuzz
    compares floats, and a length it could let through must never be skipped.)"""
    slack = cutoff - 0.01
    low = next(m for m in range(n + 1) if 200 * m >= slack * (n + m))
    high = n
    while 200 * n >= slack * (n + high + 1):
        high += 1
    return range(low, high + 1)


def _keys(name: str, given: str, family: str) -> tuple[str, set[str], str | None, str, set[str]]:
    """What a name is found by: its full form, surnames, first given name, initials, word starts.
    Interned: hundreds of namesakes' word starts were each a string of their own (4 MB at a million
    results), and the snapshot keeps one object per string."""
    full, family, given = intern(fold_once(name)), intern(fold_once(family)), intern(fold_once(given))
    families = {family, intern(family.split()[-1]) if family else ""} - {""}
    return (full, families, intern(given.split()[0]) if given else None,
            intern(initials(given, family, folded=True)), {full, family, given} - {""})


def _change(table: dict[str, Any], key: str, aid: int, add: bool) -> bool:  # Any: lists while loading, arrays after
    """Add `aid` under `key` (or take one of it away), ids kept in order; True when the key came or went."""
    ids = list(table.get(key, ()))
    if add:
        bisect.insort(ids, aid)
    else:
        ids.remove(aid)
    if ids:
        table[key] = array("i", ids)
    else:
        table.pop(key, None)
    return len(ids) == add


class AthleteIndex:
    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.stats: StatRows = StatRows()
        self._by_full: dict[str, list[int]] = defaultdict(list)
        self._by_family: dict[str, list[int]] = defaultdict(list)
        self._by_given: dict[str, list[int]] = defaultdict(list)
        self._by_initials: dict[str, list[int]] = defaultdict(list)
        self._prefixes: list[tuple[str, int]] = []  # while loading; then the two below
        self._prefix_keys: list[str] = []
        self._prefix_ids = array("i")
        # (first letter, length) -> folded family names: a typo's search reads only the lengths
        # within reach of the cutoff (hundreds of surnames share a first letter at a million results)
        self._families: dict[tuple[str, int], list[str]] = {}
        self._rank = Ranking(self.stats, date.min)  # who comes first among equal matches
        # a large surname -> its athletes by folded given name, made on a typo's first use, until a
        # name in it changes (a two-word typo compares each given name once, not each namesake)
        self._givens: dict[str, dict[str, list[int]]] = {}
        self.most_words = 1  # in any athlete's name: where two typed names may split is bounded by it
        self._words: Counter[int] = Counter()  # words in a name -> how many names have that many
        self._aliases: dict[int, list[tuple[str, str, str]]] = {}  # athlete -> earlier names
        self.top = 0  # the largest athlete id held: a later one is new

    def load(self, stats: list[AthleteStat], today: date,
             aliases: Iterable[tuple[int, str, str, str]] = ()) -> None:
        self._clear()
        for st in stats:
            a = st.athlete
            self.stats[a.id] = st
            self._add_name(a.id, a.name, a.given, a.family)
        self._rank = Ranking(self.stats, today)
        for aid, name, given, family in aliases:  # a name known before a source named them otherwise
            if aid in self.stats:
                self._add_name(aid, name, given, family)
                self._aliases.setdefault(aid, []).append((name, given, family))
        self._prefixes.sort()
        self._prefix_keys = [k for k, _ in self._prefixes]
        self._prefix_ids = array("i", (i for _, i in self._prefixes))
        self._prefixes = []
        self._group_families()
        # Arrays, 4 bytes an id: a tuple held an int object per id once unpickled (the snapshot),
        # and a list more. By id, so an athlete added later sits where a build would put it.
        for table in (self._by_full, self._by_family, self._by_given, self._by_initials):
            for key, ids in table.items():
                # in place: a second copy of each table would be the peak
                table[key] = array("i", sorted(ids))  # type: ignore[assignment]  # lists while loading
        self.top = max(self.stats, default=0)
        self.stats.pack()

    def _group_families(self) -> None:
        """Surnames by first letter and length, each group's strings fresh copies made one after
        the other: a typo's search reads thousands of them, and read where the athletes' order had
        strewn them over the heap it took twice the CPU (cache misses). The copies replace the
        originals everywhere (keys of _by_family first, so a snapshot's unpickling makes them in
        this order again), so they cost no memory."""
        canon = {family: family.encode().decode()  # a new str: slicing or str() returns the same object
                 for family in sorted(self._by_family, key=lambda f: (f[0], len(f), f))}
        self._by_family = defaultdict(list, ((canon[f], self._by_family[f]) for f in canon))
        self._families = defaultdict(list)
        for family in canon.values():
            self._families[family[0], len(family)].append(family)
        self._prefix_keys = [canon.get(key, key) for key in self._prefix_keys]

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
               today: date) -> None:
        """These athletes as they are now (None: gone), with their earlier names, as of `today`."""
        self._rank.new_day(today)
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
            self._unrank(before + after)
            self._rank.changed(aid, old, st)
            if st is None:
                self.stats.pop(aid, None)
                continue
            self.stats[aid] = st  # in place when known: ties in prominence keep a build's order
            self.top = max(self.top, aid)
        self.most_words = max([1] + [n for n, count in self._words.items() if count > 0])

    def _unrank(self, names: list[tuple[str, str, str]]) -> None:
        """Forget the rankings of groups these names belong to: a member's prominence changed."""
        for name in names:
            full, families, given_key, initials_key, _ = _keys(*name)
            self._rank.forget((full, *families, given_key or "", initials_key))

    def _change_name(self, aid: int, name: str, given: str, family: str, *, add: bool) -> None:
        full, families, given_key, initials_key, prefixes = _keys(name, given, family)
        self._words[full.count(" ") + 1] += 1 if add else -1
        _change(self._by_full, full, aid, add)
        for key in families:
            self._givens.pop(key, None)
            if _change(self._by_family, key, aid, add):  # a surname new to the index, or gone from it
                group = self._families.setdefault((key[0], len(key)), [])
                if add:
                    bisect.insort(group, key)
                else:
                    group.remove(key)
                    if not group:
                        del self._families[key[0], len(key)]
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
        return {"stats": dict(sorted(self.stats.items())),
                **self._rank.dump(),
                "tables": [{k: tuple(v) for k, v in sorted(t.items()) if v} for t in tables],
                "prefixes": list(zip(self._prefix_keys, self._prefix_ids)),
                "families": {k: v for k, v in sorted(self._families.items()) if v},
                "most_words": self.most_words, "aliases": dict(sorted(self._aliases.items()))}

    def __len__(self) -> int:
        return len(self.stats)

    def prominence(self, athlete_id: int) -> float:
        return self._rank.prominence(athlete_id)

    def candidates(self, text: str, limit: int = 8, *, typos: bool = True) -> list[Candidate]:
        """Every athlete the text could mean, best first (match quality, then prominence); with
        `typos`, misspellings too when nothing matches as typed."""
        scores: dict[int, float] = {}

        def hit(ids: Sequence[int], score: float, table: int = -1, key: str = "") -> None:
            # Only a group's `limit` most prominent can make the answer: any other has that many
            # of the group, scored at least as well, ahead of it.
            for i in self._rank.leading(table, key, ids, limit) if table >= 0 else ids:
                if scores.get(i, 0) < score:
                    scores[i] = score

        q = fold(text)
        if not q:
            return []
        if q.startswith("#") or text.strip().startswith("#"):
            ident = text.strip().lstrip("#")
            if ident.isascii() and ident.isdigit() and int(ident) in self.stats:  # int() refuses "²"
                return [Candidate(int(ident), 100.0, self.prominence(int(ident)))]
        hit(self._by_full.get(q, ()), 100, 0, q)
        words = q.split()
        for turned in (words[1:] + words[:1], words[-1:] + words[:-1]):  # "Ingebrigtsen Jakob"
            if len(words) > 1:
                key = " ".join(turned)
                hit(self._by_full.get(key, ()), 99, 0, key)
        hit(self._by_family.get(q, ()), 95, 1, q)
        if len(words) >= 2 and len(words[0]) == 1:  # "j ingebrigtsen"
            family = self._by_family.get(words[-1], ())
            # the first `limit` in order of prominence whose given name has that initial: the
            # group's others are outranked by as many, so reading on would change nothing
            big = len(family) > max(limit, RANKED_FROM)
            initial = (i for i in (self._rank.ranking(1, words[-1], family) if big else family)
                       if fold(self.stats[i].athlete.given).startswith(words[0]))
            hit(list(itertools.islice(initial, limit) if big else initial), 97)
        if len(words) == 1:
            # A given name alone ('Jakob') competes with surnames; prominence then decides.
            hit(self._by_given.get(q, ()), 93, 2, q)
            typed = text.strip()
            if len(q) <= 3:
                # 'JI' typed in capitals is initials more often than a surname.
                hit(self._by_initials.get(q, ()), 96 if typed.isupper() and len(typed) >= 2 else 80, 3, q)
        typo = not scores
        if typo and typos:
            self._fuzzy(q, hit)
        ranked = heapq.nsmallest(limit, scores.items(), key=lambda kv: (-kv[1], *self._rank.key(kv[0])))
        return [Candidate(i, s, self.prominence(i), typo) for i, s in ranked]

    def _fuzzy(self, q: str, hit: Callable[..., None]) -> None:
        """Typos: match the surname against surnames sharing its first letter (a typo in the
        first letter is rare, and the bucket keeps this fast at 50,000 athletes). Where the
        surname starts is unknown ('Holub-Kowalk', 'Wayde Van Niekrek'): every split is tried,
        each against whole surnames, two-word and hyphenated ones included."""
        words = q.split()
        for cut in range(len(words)):
            family, given = " ".join(words[cut:]), " ".join(words[:cut])
            for found, score in self._like(family):
                if given:
                    hit(self._given_like(found, given), score * 0.92)
                else:
                    hit(self._by_family[found], score * 0.92, 1, found)

    def _like(self, family: str) -> list[tuple[str, float]]:
        """The 5 surnames most like `family` at the cutoff, best first, ties in alphabetical order:
        what one search of every surname sharing its first letter finds, reading only the lengths
        that can reach the cutoff."""
        from rapidfuzz import fuzz, process  # on the first typo: an exact name never needs it

        found: list[tuple[str, float]] = []
        for length in reachable_lengths(len(family)):
            group = self._families.get((family[0], length))
            if group:
                found += ((name, score) for name, score, _ in process.extract(
                    family, group, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF))
        found.sort(key=lambda hit: (-hit[1], hit[0]))  # rapidfuzz's order within one sorted list
        return found[:5]

    def _given_like(self, family: str, given: str) -> list[int]:
        """The family's athletes whose given name is like `given`: each distinct given name
        compared once (hundreds of namesakes share a few dozen given names)."""
        from rapidfuzz import fuzz  # imported by _like, on the way here, already

        ids = self._by_family[family]
        if len(ids) <= RANKED_FROM:  # a few: compared directly, nothing kept
            return [i for i in ids if fuzz.ratio(given, fold(self.stats[i].athlete.given)) >= 70]
        by_given = self._givens.get(family)
        if by_given is None:
            by_given = self._givens[family] = {}
            for i in ids:
                by_given.setdefault(fold(self.stats[i].athlete.given), []).append(i)
        return [i for g, named in by_given.items() if fuzz.ratio(given, g) >= 70 for i in named]

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
            pool = set(rivals) or set(self._rank.most_prominent(limit))
        else:
            keys, start = self._prefix_keys, bisect.bisect_left(self._prefix_keys, q)
            # folded keys are lowercase ASCII: every key starting with q sorts before q + DEL
            end = bisect.bisect_left(keys, q + "\x7f", start, min(start + PREFIX_POOL, len(keys)))
            pool = set(self._prefix_ids[start:end])
            if len(pool) < limit:
                # Typos only when no name starts so: a word half typed is no typo of a whole one
                # (fuzzy matching it against every surname found nothing, at up to a millisecond).
                pool.update(c.athlete_id for c in self.candidates(partial, limit=limit, typos=not pool))
        prom = self._rank.prominence  # up to PREFIX_POOL calls: no forwarding frame each
        if rivals:
            return [i for *_, i in heapq.nsmallest(limit, [(-rivals.get(i, 0), -prom(i), i) for i in pool])]
        return [i for _, i in heapq.nsmallest(limit, [(-prom(i), i) for i in pool])]
