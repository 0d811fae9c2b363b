"""The in-memory indexes built from the store at start-up and after every import."""
from __future__ import annotations

import asyncio
import pickle
from collections import Counter
from datetime import date
from typing import Any, Callable

from bot.search.athletes import AthleteIndex
from bot.search.competitions import CompetitionIndex
from bot.domain.disciplines import discipline
from bot.h2h.meetings import MeetingIndex
from bot.domain.models import Competition
from bot.search.names import fold
from bot.h2h.prose import counted
from bot import index_delta
from bot.store import AthleteStat, Change, IndexReads, Queries


def _build(stats: list[AthleteStat], aliases: list[tuple[int, str, str, str]], competitions: list[Competition],
           labels: list[tuple[int, str, bool]], today: date
           ) -> tuple[AthleteIndex, CompetitionIndex]:
    athletes, comps = AthleteIndex(), CompetitionIndex()
    athletes.load(stats, today, aliases)
    comps.load(competitions, labels)
    return athletes, comps


class Indexes:
    def __init__(self) -> None:
        self.athletes = AthleteIndex()
        self.competitions = CompetitionIndex()
        self.meetings = MeetingIndex()
        self.events: dict[str, str] = {}  # code -> display name, for events in the data
        self._event_athletes: Counter[str] = Counter()  # code -> athletes with results in it
        self.newest: date | None = None  # the newest result's day
        self.today = date.today()  # the newest result's date: "as of" for replies
        self._shared = False  # with a copy (copy.copy): changed in place only once copied whole
        self._pending: dict[str, Callable[[], Any]] = {}  # parts of a snapshot read on first use (from_parts)

    # What a snapshot holds apart, so that a question reads only the parts it asks about: a
    # one-shot /h2h needs the athletes and the meetings, never the competitions.
    PARTS = ("athletes", "meetings", "competitions")
    _SMALL = ("events", "_event_athletes", "newest", "today")

    def parts(self) -> dict[str, Any]:
        """What racebot.index_snapshot saves: the small attributes as one part, then each index."""
        return {"small": {name: getattr(self, name) for name in self._SMALL}} | {
            name: getattr(self, name) for name in self.PARTS}

    @classmethod
    def from_parts(cls, small: dict[str, Any], parts: dict[str, Callable[[], Any]], *, lazy: bool) -> Indexes:
        """Indexes of saved parts: each read now, or (lazy) on its first use."""
        indexes = cls()
        indexes.__dict__.update(small)
        for name in cls.PARTS:
            if lazy:
                del indexes.__dict__[name]
                indexes._pending[name] = parts[name]
            else:
                setattr(indexes, name, parts[name]())
        return indexes

    def __getattr__(self, name: str) -> Any:
        """A part not read yet (from_parts, lazy): read now, once. Only for a process that asks
        one question and exits (racebot.cli), whose event loop has nothing else to serve."""
        load = self.__dict__.get("_pending", {}).pop(name, None)
        if load is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self.__dict__[name] = load()
        return value

    def __copy__(self) -> Indexes:
        """A copy holding the same indexes until either side changes them: the first to change
        takes its own whole copy first, so a change never shows through the other."""
        twin = Indexes.__new__(Indexes)
        twin.__dict__.update(self.__dict__)
        twin._pending = dict(self._pending)  # each side reads a pending part for itself
        self._shared = twin._shared = True
        return twin

    async def load(self, store: Queries, today: date | None = None) -> None:
        """Build new indexes beside the old ones, then swap them in at once: a reload after a
        live poll keeps answering from the old ones meanwhile, never from half-built ones."""
        meetings = await MeetingIndex.build(store.race_entries())
        stats = await store.athlete_stats()
        aliases = await store.athlete_aliases()
        competitions = await store.competitions()
        labels = await store.race_labels()
        newest = max((s.last_day for s in stats if s.last_day), default=None)
        today = today or newest or date.today()
        # Over a second of pure Python at a million results: in a thread, so the event loop
        # still gets its turns (every GIL switch interval) instead of stalling every command.
        athletes, comps = await asyncio.to_thread(_build, stats, aliases, competitions, labels, today)
        counts = Counter(code for s in stats for code in s.events)
        self.athletes, self.competitions, self.meetings, self.today = athletes, comps, meetings, today
        self.newest, self._event_athletes, self._shared, self._pending = newest, counts, False, {}
        self.events = {c: discipline(c).name for c in sorted(counts)}

    async def apply(self, store: IndexReads, changes: list[Change]) -> None:
        """Only what these changes touch, read from the store and changed in place (bot.index_delta)."""
        if self._shared:
            held = (self.athletes, self.competitions, self.meetings, self._event_athletes)
            # a pickle round trip: the indexes are built to pickle (racebot.index_snapshot), and it
            # takes about 60% of a deepcopy's time and of a build's
            owned = await asyncio.to_thread(lambda: pickle.loads(pickle.dumps(held, pickle.HIGHEST_PROTOCOL)))
            self.athletes, self.competitions, self.meetings, self._event_athletes = owned
            self._shared = False
        index_delta.apply(self, await index_delta.read(self, store, changes))

    def count_events(self, stats: dict[int, AthleteStat | None]) -> None:
        """These athletes' events as they are now, before the athlete index takes them."""
        before = set(self._event_athletes)
        for aid, st in stats.items():
            old = self.athletes.stats.get(aid)
            self._event_athletes.subtract(old.events if old else ())
            self._event_athletes.update(st.events if st else ())
        self._event_athletes = +self._event_athletes  # drops the events nobody holds now
        if set(self._event_athletes) != before:
            self.events = {c: discipline(c).name for c in sorted(self._event_athletes)}

    def complete_athlete(self, partial: str, rivals: dict[int, int], limit: int) -> list[tuple[str, str]]:
        out = []
        for i in self.athletes.complete(partial, rivals, limit):
            label = self.athletes.label(i)
            if rivals.get(i):
                label += f" · {counted(rivals[i], 'meeting')}"
            out.append((label[:100], f"#{i}"))
        return out

    def complete_event(self, partial: str, limit: int) -> list[tuple[str, str]]:
        q = fold(partial).replace(" ", "")
        hits = [(name, code) for code, name in self.events.items()
                if not q or fold(name).replace(" ", "").startswith(q) or code.lower().startswith(q)]
        return [(name[:100], code) for name, code in hits[:limit]]
