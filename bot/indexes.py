"""The in-memory indexes built from the store at start-up and after every import."""
from __future__ import annotations

import asyncio
from datetime import date

from bot.search.athletes import AthleteIndex
from bot.search.competitions import CompetitionIndex
from bot.domain.disciplines import discipline
from bot.h2h.meetings import MeetingIndex
from bot.domain.models import Competition
from bot.search.names import fold
from bot.h2h.prose import counted
from bot.store import AthleteStat, Queries


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
        self.today = date.today()  # the newest result's date: "as of" for replies

    async def load(self, store: Queries, today: date | None = None) -> None:
        """Build new indexes beside the old ones, then swap them in at once: a reload after a
        live poll keeps answering from the old ones meanwhile, never from half-built ones."""
        meetings = await MeetingIndex.build(store.race_entries())
        stats = await store.athlete_stats()
        aliases = await store.athlete_aliases()
        competitions = await store.competitions()
        labels = await store.race_labels()
        today = today or max((s.last_day for s in stats if s.last_day), default=date.today())
        # Over a second of pure Python at a million results: in a thread, so the event loop
        # still gets its turns (every GIL switch interval) instead of stalling every command.
        athletes, comps = await asyncio.to_thread(_build, stats, aliases, competitions, labels, today)
        codes = {code for s in stats for code in s.events}
        self.athletes, self.competitions, self.meetings, self.today = athletes, comps, meetings, today
        self.events = {c: discipline(c).name for c in sorted(codes)}

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
