"""The storage interface the core needs; storage/ implements it, the core never sees a driver."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, AsyncContextManager, AsyncIterator, Protocol, Sequence

from bot.domain.models import Athlete, Competition, Meeting, Performance, Race, RaceResults

if TYPE_CHECKING:  # what /status reads; announce/ and sources/ sit above the store's roles
    from bot.announce.outbox import OutboxHealth
    from bot.sources.health import SourceHealth


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


@dataclass
class NewAthlete:
    key: int  # negative placeholder id, replaced by the store
    name: str
    given: str
    family: str
    country: str
    gender: str
    birth_year: int | None
    birth_date: date | None
    source_ids: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class NewCompetition:
    key: int
    name: str
    venue: str
    country: str
    start: date
    end: date
    series: str
    category: str


@dataclass(slots=True)  # one per race or result of an import: hundreds of thousands
class NewRace:
    key: int
    competition: int  # an id, or a NewCompetition key
    event: str
    gender: str
    round: str
    race_no: int
    day: date
    wind: float | None
    label: str
    venues: str = ""  # run in several places at once: not a head-to-head meeting
    partial: bool = False  # the source knows only part of the field (bot.domain.race_report counts what is known)


@dataclass(slots=True)  # one per race or result of an import: hundreds of thousands
class ResultWrite:
    race: int  # id or NewRace key
    athlete: int  # id or NewAthlete key
    place: int | None
    mark: str
    value: float | None
    status: str
    wind: float | None
    flags: str
    note: str
    source: str
    origin: int = 1  # precedence of the source (bot.domain.precedence)


@dataclass
class StatedBest:
    """A personal best as a source states it (bot.ingest.tilastopaja), not as racebot computes it."""

    athlete: int  # id or NewAthlete key
    event: str  # discipline code; indoor events carry "indoor" in it
    indoor: bool
    mark: str
    value: float
    day: date | None
    competition: str
    source: str
    higher_is_better: bool  # which way "better" goes, so a later import keeps the better of two


@dataclass
class WritePlan:
    """Everything one import file adds, applied by the store in one transaction."""

    athletes: list[NewAthlete] = field(default_factory=list)
    source_ids: list[tuple[str, str, int]] = field(default_factory=list)  # scheme, id, athlete
    competitions: list[NewCompetition] = field(default_factory=list)
    races: list[NewRace] = field(default_factory=list)
    results: list[ResultWrite] = field(default_factory=list)
    aliases: list[tuple[int, str, str]] = field(default_factory=list)  # competition id, name, venue as a source gave them
    race_keys: list[tuple[str, int]] = field(default_factory=list)  # a source's own race key, race id or NewRace key
    bests: list[StatedBest] = field(default_factory=list)  # Store.apply only: the bulk path never has them
    # Stored athletes a source names otherwise (bot.ingest.planner._same_person): its name is shown
    # from now on, and its birth date fills one not known: (athlete, name, given, family, year, date)
    renames: list[tuple[int, str, str, str, int | None, date | None]] = field(default_factory=list)


@dataclass(frozen=True)
class WriteSummary:
    athletes: int
    competitions: int
    races: int
    results_added: int
    results_changed: int
    races_linked: int = 0  # new races that were races already stored (bot.ingest.linking)
    competitions_linked: int = 0


@dataclass(frozen=True)
class Identities:
    """The keys the ingester matches incoming rows against."""

    athletes: list[Athlete]
    source_ids: dict[tuple[str, str], int]
    competitions: list[Competition]
    races: list[Race]
    aliases: list[tuple[int, str, str]] = field(default_factory=list)  # competition, folded name, folded venue
    race_keys: dict[str, int] = field(default_factory=dict)  # a source's own race key -> race id
    athlete_aliases: list[tuple[int, str, str, str]] = field(default_factory=list)  # athlete, name, given, family


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the store's change feed: a race whose results changed, or an athlete added."""

    seq: int  # increasing; everything up to it has been seen by whoever read it
    kind: str  # "race" or "athlete"
    race_id: int | None
    athlete_id: int | None


class BulkWrite(Protocol):
    """One import's writes handed over in parts, all inside one transaction (Store.bulk_write)."""

    async def add(self, plan: WritePlan) -> dict[int, int]:
        """The plan's athletes, source ids, competitions and races (its results are ignored);
        returns every placeholder key handed over so far -> its id."""
        ...

    async def add_results(self, races: Sequence[int], athletes: Sequence[int], marks: Sequence[tuple],
                          tails: Sequence[tuple]) -> None:
        """One result per position, ids resolved: mark = (mark, value, status), tail = (place, wind,
        flags, note, source); both usually shared by many rows. A result already stored is updated,
        as Store.apply does. The write may go on in the background: the next call waits for it."""
        ...

    async def link(self) -> dict[int, int]:
        """Once every result is handed over: link the import's new races to races already stored
        (bot.ingest.linking); returns new race id -> the stored race it turned out to be."""
        ...

    async def summary(self) -> WriteSummary: ...


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


class Store(IndexReads, Protocol):
    async def close(self) -> None: ...

    # reads for commands
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

    # writes
    async def identities(self) -> Identities: ...
    async def results_for(self, race_ids: list[int]) -> dict[int, list[tuple[int, str]]]: ...
    async def apply(self, plan: WritePlan) -> WriteSummary: ...
    def bulk_write(self) -> AsyncContextManager[BulkWrite]:
        """A write transaction for an import too big to plan whole; rolled back if the block raises."""
        ...
    async def get_meta(self, key: str) -> str | None: ...
    async def set_meta(self, key: str, value: str) -> None: ...

    # the change feed: every results write adds to it in its own transaction (bot.change_feed reads it)
    async def change_head(self) -> int: ...
    async def changes_since(self, seq: int, limit: int) -> list[Change]: ...
    def data_version(self) -> int:
        """A number that changes when anyone commits to the store: a cheap "look again" signal."""
        ...

    # health of the result sources (/status); bot.sources.health.HealthStore has the writer
    async def source_health(self) -> list[SourceHealth]: ...
    async def outbox_health(self) -> OutboxHealth:
        """Announcements waiting, retrying and expired, for /status."""
        ...


class SeenRequests(Protocol):
    """Signed requests already accepted, shared by every process on the store (replay defence)."""

    async def first_sighting(self, key: str, now: datetime, until: datetime) -> bool:
        """True the first time `key` is offered before `until`, False for a repeat."""
        ...
