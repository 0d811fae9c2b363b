"""Who raced whom, held in memory as flat integer arrays.

Joint name resolution (/h2h with namesakes) and rival suggestions (athlete_b autocomplete) ask
"how often did these athletes meet, and when last?" for dozens of pairs per keystroke. A query
per question costs a thread hop plus a self-join; at a million results that was the tail of
/h2h. Flat `array`s keep a million entries in about 10 MB, where tuples or dicts would take
hundreds. Only entries that can make a meeting are kept (DNS and annulled results never do),
so a pair met in a race when both are in it and at least one of them finished.
"""
from __future__ import annotations

import asyncio
from array import array
from collections import defaultdict
from datetime import date
from typing import AsyncIterator, Iterable

from bot.store import PairStat

Entry = tuple[int, int, bool, str]  # race id, athlete id, finished, race day (ISO)


class MeetingIndex:
    def __init__(self) -> None:
        self._race_day = array("i")  # race slot -> date ordinal
        self._race_start = array("i", [0])  # race slot -> first position in _entries
        self._entries = array("i")  # athlete id << 1 | finished, grouped by race slot
        self._athlete_start = array("i", [0])  # athlete id -> first position in _races
        self._races = array("i")  # race slot << 1 | finished, grouped by athlete id

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
            for race_id, athlete_id, finished, day in chunk:
                if race_id != last_race:
                    last_race = race_id
                    if len(self._entries):
                        self._race_start.append(len(self._entries))
                    ordinal = days.get(day)
                    if ordinal is None:
                        ordinal = days[day] = date.fromisoformat(day).toordinal()
                    self._race_day.append(ordinal)
                self._entries.append(athlete_id << 1 | bool(finished))
                if athlete_id > top:
                    top = athlete_id
        if len(self._entries):
            self._race_start.append(len(self._entries))
        await asyncio.to_thread(self._invert, top)  # half a second at a million results: off the loop

    def _invert(self, top: int) -> None:
        """Athlete -> races, by counting sort: two passes, no per-athlete lists."""
        counts = array("i", [0]) * (top + 2)
        for code in self._entries:
            counts[(code >> 1) + 1] += 1
        for i in range(1, len(counts)):
            counts[i] += counts[i - 1]
        self._athlete_start = array("i", counts)
        fill = array("i", counts)
        races = array("i", [0]) * len(self._entries)
        starts = self._race_start
        for slot in range(len(starts) - 1):
            for pos in range(starts[slot], starts[slot + 1]):
                code = self._entries[pos]
                aid = code >> 1
                races[fill[aid]] = slot << 1 | (code & 1)
                fill[aid] += 1
        self._races = races

    def _races_of(self, athlete_id: int) -> array[int]:
        if athlete_id + 1 >= len(self._athlete_start):
            return array("i")
        return self._races[self._athlete_start[athlete_id]:self._athlete_start[athlete_id + 1]]

    def pair_stats(self, ids_a: list[int], ids_b: list[int]) -> list[PairStat]:
        out = []
        for a in ids_a:
            mine = {code >> 1: code & 1 for code in self._races_of(a)}
            if not mine:
                continue
            for b in ids_b:
                if b == a:
                    continue
                n = last = 0
                for code in self._races_of(b):
                    finished = mine.get(code >> 1)
                    if finished is not None and (finished or code & 1):
                        n += 1
                        last = max(last, self._race_day[code >> 1])
                if n:
                    out.append(PairStat(a, b, n, date.fromordinal(last)))
        return out

    def opponents(self, athlete_id: int) -> dict[int, int]:
        """Everyone `athlete_id` met, and how often."""
        counts: dict[int, int] = defaultdict(int)
        entries, starts = self._entries, self._race_start
        for code in self._races_of(athlete_id):
            slot, finished = code >> 1, code & 1
            for other in entries[starts[slot]:starts[slot + 1]]:
                if other >> 1 != athlete_id and (finished or other & 1):
                    counts[other >> 1] += 1
        return dict(counts)
