"""Who raced whom, held in memory as flat integer arrays, with a small overlay for live changes.

Joint name resolution (/h2h with namesakes) and rival suggestions (athlete_b autocomplete) ask
"how often did these athletes meet, and when last?" for dozens of pairs per keystroke. A query
per question costs a thread hop plus a self-join; at a million results that was the tail of
/h2h. Flat `array`s keep a million entries in about 10 MB, where tuples or dicts would take
hundreds. Every result is held, so a change knows who was in a race before it; one that cannot
make a meeting (DNS, annulled, a race run in several places) carries no "counts" bit, and a pair
met in a race when both count there and at least one of them finished.

The arrays are built once; a live poll's races go into the overlay (race slot -> its entries,
athlete -> its whole race list), so an update costs what the changed races hold, not the store.
"""
from __future__ import annotations

import asyncio
import bisect
from array import array
from collections import defaultdict
from datetime import date
from typing import Any, AsyncIterator, Iterable

from bot.store import PairStat

Entry = tuple[int, int, bool, bool, str]  # race id, athlete id, finished, counts for meetings, race day (ISO)
COUNTS, FINISHED = 2, 1  # the low bits of a code: athlete id << 2 (or race slot << 2) | counts | finished


def _code(ident: int, finished: bool, counts: bool) -> int:
    return ident << 2 | (COUNTS if counts else 0) | (FINISHED if finished else 0)


class MeetingIndex:
    def __init__(self) -> None:
        self._race_ids = array("i")  # race slot -> race id, ascending
        self._race_day = array("i")  # race slot -> date ordinal
        self._race_start = array("i", [0])  # race slot -> first position in _entries
        self._entries = array("i")  # athlete code, grouped by race slot, by athlete id within
        self._athlete_start = array("i", [0])  # athlete id -> first position in _races
        self._races = array("i")  # race code, grouped by athlete id, by slot within
        # the overlay: what changed since the build
        self._new_slots: dict[int, int] = {}  # race id -> slot, for races the build did not have
        self._entries_over: dict[int, array[int]] = {}  # slot -> athlete codes
        self._day_over: dict[int, int] = {}  # slot -> date ordinal
        self._races_over: dict[int, array[int]] = {}  # athlete id -> race codes

    @classmethod
    async def build(cls, chunks: AsyncIterator[Iterable[Entry]]) -> "MeetingIndex":
        """`chunks` yield entries ordered by race id. A new object, so readers never see half of one."""
        index = cls()
        await index._load(chunks)
        return index

    async def _load(self, chunks: AsyncIterator[Iterable[Entry]]) -> None:
        days: dict[str, int] = {}
        last_race = None
        top = 0
        async for chunk in chunks:
            for race_id, athlete_id, finished, counts, day in chunk:
                if race_id != last_race:
                    last_race = race_id
                    if len(self._entries):
                        self._race_start.append(len(self._entries))
                    ordinal = days.get(day)
                    if ordinal is None:
                        ordinal = days[day] = date.fromisoformat(day).toordinal()
                    self._race_day.append(ordinal)
                    self._race_ids.append(race_id)
                self._entries.append(_code(athlete_id, finished, counts))
                if athlete_id > top:
                    top = athlete_id
        if len(self._entries):
            self._race_start.append(len(self._entries))
        await asyncio.to_thread(self._invert, top)  # half a second at a million results: off the loop

    def _invert(self, top: int) -> None:
        """Athlete -> races, by counting sort: two passes, no per-athlete lists."""
        counts = array("i", [0]) * (top + 2)
        for code in self._entries:
            counts[(code >> 2) + 1] += 1
        for i in range(1, len(counts)):
            counts[i] += counts[i - 1]
        self._athlete_start = array("i", counts)
        fill = array("i", counts)
        races = array("i", [0]) * len(self._entries)
        starts = self._race_start
        for slot in range(len(starts) - 1):
            for pos in range(starts[slot], starts[slot + 1]):
                code = self._entries[pos]
                aid = code >> 2
                races[fill[aid]] = slot << 2 | (code & 3)
                fill[aid] += 1
        self._races = races

    # --- reading ----------------------------------------------------------------------
    def _races_of(self, athlete_id: int) -> array[int]:
        over = self._races_over.get(athlete_id)
        if over is not None:
            return over
        if athlete_id + 1 >= len(self._athlete_start):
            return array("i")
        return self._races[self._athlete_start[athlete_id]:self._athlete_start[athlete_id + 1]]

    def _entries_of(self, slot: int) -> array[int]:
        over = self._entries_over.get(slot)
        if over is not None:
            return over
        return self._entries[self._race_start[slot]:self._race_start[slot + 1]]

    def _day(self, slot: int) -> int:
        return self._day_over.get(slot) or self._race_day[slot]

    def _slot(self, race_id: int) -> int | None:
        at = bisect.bisect_left(self._race_ids, race_id)
        if at < len(self._race_ids) and self._race_ids[at] == race_id:
            return at
        return self._new_slots.get(race_id)

    def pair_stats(self, ids_a: list[int], ids_b: list[int]) -> list[PairStat]:
        out = []
        for a in ids_a:
            mine = {code >> 2: code & FINISHED for code in self._races_of(a) if code & COUNTS}
            if not mine:
                continue
            for b in ids_b:
                if b == a:
                    continue
                n = last = 0
                for code in self._races_of(b):
                    finished = mine.get(code >> 2)
                    if finished is not None and code & COUNTS and (finished or code & FINISHED):
                        n += 1
                        last = max(last, self._day(code >> 2))
                if n:
                    out.append(PairStat(a, b, n, date.fromordinal(last)))
        return out

    def opponents(self, athlete_id: int) -> dict[int, int]:
        """Everyone `athlete_id` met, and how often."""
        counts: dict[int, int] = defaultdict(int)
        for code in self._races_of(athlete_id):
            if not code & COUNTS:
                continue
            finished = code & FINISHED
            for other in self._entries_of(code >> 2):
                if other & COUNTS and other >> 2 != athlete_id and (finished or other & FINISHED):
                    counts[other >> 2] += 1
        return dict(counts)

    def athletes_in(self, race_id: int) -> list[int]:
        """Everyone with a result in the race, as the index holds it."""
        slot = self._slot(race_id)
        return [] if slot is None else [code >> 2 for code in self._entries_of(slot)]

    def races(self) -> list[int]:
        """Every race id with results, ascending."""
        return sorted([r for s, r in enumerate(self._race_ids) if len(self._entries_of(s))]
                      + [r for r, s in self._new_slots.items() if len(self._entries_of(s))])

    def entries(self, race_id: int) -> list[tuple[int, bool, bool]]:
        """(athlete id, finished, counts) of the race's results, by athlete id."""
        slot = self._slot(race_id)
        return [] if slot is None else [(c >> 2, bool(c & FINISHED), bool(c & COUNTS)) for c in self._entries_of(slot)]

    def race_day(self, race_id: int) -> date | None:
        slot = self._slot(race_id)
        return None if slot is None or not len(self._entries_of(slot)) else date.fromordinal(self._day(slot))

    def dump(self) -> dict[str, Any]:
        """Everything held, by race id, in a canonical form: two indexes of the same store dump equal."""
        ids = {s: r for s, r in enumerate(self._race_ids)} | {s: r for r, s in self._new_slots.items()}
        races = {ids[s]: (self._day(s), tuple(self._entries_of(s))) for s in ids if len(self._entries_of(s))}
        top = max(len(self._athlete_start) - 1, max(self._races_over, default=0) + 1)
        athletes = {a: sorted((ids[c >> 2], c & 3) for c in self._races_of(a)) for a in range(top)}
        return {"races": dict(sorted(races.items())), "athletes": {a: r for a, r in athletes.items() if r}}

    # --- live changes -----------------------------------------------------------------
    @property
    def overlay_races(self) -> int:
        """Races changed since the build: past a share of the whole, a build beside is cheaper."""
        return len(self._entries_over)

    def __len__(self) -> int:
        return len(self._race_ids) + len(self._new_slots)

    def replace(self, race_id: int, day: str | None, entries: Iterable[tuple[int, bool, bool]]) -> None:
        """The race now holds `entries` (athlete id, finished, counts); none when it has no results
        or no longer exists. Synchronous: the caller applies a whole change in one turn of the loop."""
        codes = array("i", sorted(_code(a, f, c) for a, f, c in entries))
        slot = self._slot(race_id)
        if slot is None:
            if not codes:
                return
            slot = self._new_slots[race_id] = len(self._race_ids) + len(self._new_slots)
            self._entries_over[slot] = array("i")
        old = {code >> 2: code & 3 for code in self._entries_of(slot)}
        new = {code >> 2: code & 3 for code in codes}
        self._entries_over[slot] = codes
        if day is not None:
            self._day_over[slot] = date.fromisoformat(day).toordinal()
        for aid in old.keys() | new.keys():
            if old.get(aid) == new.get(aid):
                continue
            races = array("i", self._races_of(aid))
            if aid in old:
                del races[bisect.bisect_left(races, slot << 2)]
            if aid in new:
                races.insert(bisect.bisect_left(races, slot << 2), slot << 2 | new[aid])
            self._races_over[aid] = races
