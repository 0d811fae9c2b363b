"""What one import writes, as plain data: placeholders for what is new, ids for what is stored."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.models import Athlete, Competition, Race


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
    bests: list[StatedBest] = field(default_factory=list)  # WriteTx.apply only: the bulk path never has them
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
    # a source's own race key -> its races: two when the source's one key is two races (bot.ingest.linking.split)
    race_keys: dict[str, tuple[int, ...]] = field(default_factory=dict)
    athlete_aliases: list[tuple[int, str, str, str]] = field(default_factory=list)  # athlete, name, given, family
