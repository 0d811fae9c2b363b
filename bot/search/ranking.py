"""Which of the athletes a text matches equally well comes first: the one who raced more and more
recently (prominence), computed as of the newest result's day on first use, and the orders made
of it: a large group of namesakes ranked once per change, the leaders for an empty field."""
from __future__ import annotations

import bisect
import heapq
from array import array
from datetime import date
from typing import Sequence

from bot.search.stats import StatRows
from bot.store import AthleteStat

LEADERS = 100  # ranked ahead for an empty autocomplete field: Discord shows 25
# A group of namesakes larger than this is cut to its most prominent few before ranking, from a
# ranking kept per group (hundreds share 'Kerr' at a million results: sorting them per keystroke
# was most of a typo search).
RANKED_FROM = 32
_ID_BITS = 32  # an athlete id in the low bits of a packed (results, id) key
_NAN = float("nan")


def prominence(st: AthleteStat, today: date) -> float:
    """How much and how recently the athlete raced: ties in a name's match go to the busier.
    Never more than twice the results: the leaders' search stops on that bound."""
    return _prominence(st.results, st.last_day, today)


def _prominence(results: int, last_day: date | None, today: date) -> float:
    years = (today - last_day).days / 365.25 if last_day else 20
    return results * (1.0 + min(1.0, max(0.0, 1.0 - years / 8)))  # a later day than today counts as today


def _unknown(n: int) -> array[float]:
    """n prominences, none computed yet."""
    return array("d", [_NAN]) * n


def _packed(st: AthleteStat) -> int:
    """Most results first, then the lower id, as one int in ascending order."""
    return (-st.results << _ID_BITS) + st.athlete.id


class Ranking:
    """The athletes of `stats` (shared with the index that holds both) in order of prominence."""

    def __init__(self, stats: StatRows, today: date) -> None:
        self.stats = stats
        self.today = today
        # Each athlete's prominence as of `today`, computed on first use: a new results day moves
        # every athlete's, and recomputing 50,000 of them was most of that day's first poll.
        # (an array by athlete id, NaN where not yet computed: 8 bytes an athlete, where a dict of
        # floats took 100)
        self._prominence = _unknown(max(stats, default=0) + 1)
        self._by_results = array("q", sorted(map(_packed, stats.values())))  # the leaders' search
        # (table, key) -> the key's athletes, most prominent first, ranked on first use as of `today`
        self._ranked: dict[tuple[int, str], tuple[int, ...]] = {}
        self._leaders: list[int] | None = None  # most prominent first, for an empty field; None: to rank

    # --- live changes (bot.index_delta, through AthleteIndex.update) ------------------------
    def new_day(self, today: date) -> None:
        """Changes arrive as of `today`: on a new day everyone's prominence moves, so all is forgotten."""
        self._leaders = None
        if today != self.today:
            self.today, self._prominence, self._ranked = today, _unknown(len(self._prominence)), {}

    def changed(self, aid: int, old: AthleteStat | None, new: AthleteStat | None) -> None:
        """An athlete's stats as they were and are now (None: absent)."""
        if aid < len(self._prominence):
            self._prominence[aid] = _NAN
        if old is not None:
            del self._by_results[bisect.bisect_left(self._by_results, _packed(old))]
        if new is not None:
            key = _packed(new)
            self._by_results.insert(bisect.bisect_left(self._by_results, key), key)

    def forget(self, keys: Sequence[str]) -> None:
        """Forget the rankings of the groups under these keys: a member's prominence changed."""
        if self._ranked:
            for key in keys:
                for table in range(4):
                    self._ranked.pop((table, key), None)

    # --- reading ----------------------------------------------------------------------------
    def prominence(self, athlete_id: int) -> float:
        held = self._prominence
        if athlete_id < len(held) and (known := held[athlete_id]) == known:  # NaN: not computed yet
            return known
        if athlete_id not in self.stats:
            return 0.0
        if athlete_id >= len(held):
            held.extend(_unknown(athlete_id + 1 - len(held)))
        known = held[athlete_id] = _prominence(*self.stats.activity(athlete_id), self.today)
        return known

    def key(self, athlete_id: int) -> tuple[float, int]:
        """The order of every ranking: most prominent first, then the lower id."""
        return -self.prominence(athlete_id), athlete_id

    def leading(self, table: int, key: str, ids: Sequence[int], limit: int) -> Sequence[int]:
        """The `limit` most prominent of a table's group; a large group is ranked once per change."""
        if len(ids) <= max(limit, RANKED_FROM):
            return ids
        return self.ranking(table, key, ids)[:limit]

    def ranking(self, table: int, key: str, ids: Sequence[int]) -> Sequence[int]:
        """A table's group, most prominent first, kept until a member or the day changes."""
        ranked = self._ranked.get((table, key))
        if ranked is None:
            ranked = self._ranked[(table, key)] = tuple(sorted(ids, key=self.key))
        return ranked

    def most_prominent(self, limit: int) -> list[int]:
        """Discord asks the moment a field is focused: ranked once per change of the index, not per
        keystroke (sorting every athlete took 10-19 ms at a million results)."""
        if self._leaders is None or len(self._leaders) < min(limit, len(self.stats)):
            self._leaders = self._rank_leaders(max(limit, LEADERS))
        return self._leaders[:limit]

    def _rank_leaders(self, n: int) -> list[int]:
        """The n most prominent, reading athletes by results, most first, only until no one
        left could pass the n-th: prominence is at most twice the results (a few hundred read)."""
        best: list[tuple[float, int]] = []  # a heap of (prominence, -id): the weakest on top
        for packed in self._by_results:
            results, aid = -(packed >> _ID_BITS), packed & ((1 << _ID_BITS) - 1)
            if len(best) == n and 2 * results < best[0][0]:
                break
            entry = (self.prominence(aid), -aid)
            if len(best) < n:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
        return [-aid for _, aid in sorted(best, reverse=True)]

    def dump(self) -> dict[str, object]:
        return {"prominence": {a: self.prominence(a) for a in sorted(self.stats)},
                "by_results": list(self._by_results)}
