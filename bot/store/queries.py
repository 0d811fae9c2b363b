"""The reads commands and the in-memory indexes make (role `Queries`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import AsyncIterator, Protocol

from bot.domain.models import Athlete, Competition, Meeting, Performance, Race, RaceResults
from bot.store.plans import StatedBest


@dataclass(frozen=True, slots=True)
class AthleteStat:
    """What name resolution needs to know about an athlete without touching results."""

    athlete: Athlete
    results: int
    last_day: date | None
    events: tuple[str, ...]  # discipline codes, most raced first


@dataclass(frozen=True, slots=True)
class PairStat:
    a: int
    b: int
    meetings: int
    last_day: date


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """An athlete's results from one kind of source (bot.domain.precedence) in one series."""

    athlete: int
    origin: int
    series: str
    first: date
    last: date


class Queries(Protocol):
    async def athlete_stats(self) -> list[AthleteStat]: ...
    async def competitions(self) -> list[Competition]: ...
    async def pair_stats(self, ids_a: list[int], ids_b: list[int]) -> list[PairStat]: ...
    def race_entries(self) -> AsyncIterator[list[tuple[int, int, bool, bool, str]]]:
        """(race id, athlete id, finished, can make a meeting, race day) of every result, ordered
        by race id, in chunks. A result makes no meeting when DNS, annulled, or of a race run in
        several places."""
        ...
    async def meetings(self, a: int, b: int) -> list[Meeting]: ...
    async def race_results(self, competition_id: int, event: str | None) -> list[RaceResults]:
        """Every race of a competition, or of one event there; an event code without a qualifier
        ('2M') also brings its variants ('2M/indoor', 'SP/3kg' for 'SP')."""
        ...
    async def coverage(self, athlete_ids: list[int]) -> list[SourceSpan]:
        """Which sources, series and years these athletes' results come from (the coverage line)."""
        ...
    async def athlete_aliases(self) -> list[tuple[int, str, str, str]]:
        """(athlete id, name, given, family) of each name an athlete was known by before a source
        named them otherwise: search finds them by it too."""
        ...
    async def race_labels(self) -> list[tuple[int, str, bool]]:
        """(competition id, label, known only in part) of every race: labels ('National Events',
        'U20 Events') are words a fan may type to pick a race there."""
        ...
    async def athlete_results(self, athlete_id: int) -> list[Performance]: ...
    async def stated_bests(self, athlete_id: int) -> list[StatedBest]: ...
    async def season_list(self, event: str, gender: str, season: int | None, limit: int) -> list[Performance]: ...
    async def seasons(self, event: str, gender: str) -> list[int]: ...
    async def upcoming(self, today: date, limit: int) -> list[Competition]: ...
    async def race(self, race_id: int) -> Race | None: ...
    async def other_versions(self, race_id: int) -> list[tuple[int, int, str, int]]:
        """Results of the race that another source gave otherwise: (athlete id, that source's
        origin, its mark, the shown version's origin); bot.domain.precedence ranks them."""
        ...


class IndexReads(Protocol):
    """The narrow reads behind incremental indexes (bot.index_delta): what a few changed races touch."""

    async def race_entries_of(self, race_ids: list[int]) -> list[tuple[int, int, bool, bool, str]]:
        """As race_entries, for these races only (a race gone has none), ordered by race, athlete."""
        ...

    async def athlete_stats_of(self, athlete_ids: list[int], above: int) -> list[AthleteStat]:
        """As athlete_stats, for these athletes and every athlete with an id above `above`."""
        ...

    async def athlete_aliases_of(self, athlete_ids: list[int]) -> list[tuple[int, str, str, str]]: ...

    async def competitions_of(self, race_ids: list[int], above: int) -> list[Competition]:
        """The competitions holding these races, and every competition with an id above `above`."""
        ...

    async def race_labels_of(self, competition_ids: list[int]) -> list[tuple[int, str, bool]]:
        """As race_labels, for these competitions' races."""
        ...
