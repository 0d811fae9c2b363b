"""The domain: athletes, competitions, races and results, as the core reads them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.disciplines import Discipline, discipline


@dataclass(frozen=True, slots=True)
class Athlete:
    id: int
    name: str  # as people write it: "Jakob Ingebrigtsen"
    given: str
    family: str
    country: str = ""
    gender: str = ""
    birth_year: int | None = None
    birth_date: date | None = None


@dataclass(frozen=True, slots=True)
class Competition:
    id: int
    name: str
    venue: str
    country: str
    start: date
    end: date
    series: str = ""
    category: str = ""

    @property
    def label(self) -> str:
        """'Bislett Games 2024'; 'Olympic Games Paris 2024' already says its year."""
        year = str(self.start.year)
        return self.name if year in self.name else f"{self.name} {year}"


@dataclass(frozen=True, slots=True)
class Race:
    id: int
    competition_id: int
    event: str  # discipline code
    gender: str
    round: str  # final, semi-final, heat
    race_no: int
    day: date
    wind: float | None = None
    label: str = ""

    @property
    def discipline(self) -> Discipline:
        return discipline(self.event)

    @property
    def round_label(self) -> str:
        name = {"final": "Final", "semi-final": "Semi-final", "heat": "Heat"}.get(self.round, self.round.title())
        if self.race_no > 1 or self.round != "final":
            return f"{name} {self.race_no}"
        return name


@dataclass(frozen=True, slots=True)
class Result:
    race_id: int
    athlete_id: int
    place: int | None
    mark: str  # as printed
    value: float | None  # seconds, metres or points
    status: str = ""  # "" or DNF, DNS, DQ, NM
    wind: float | None = None
    flags: tuple[str, ...] = ()
    note: str = ""  # DOP annulled, SC short course, NV not valid for lists, OC out of competition

    @property
    def finished(self) -> bool:
        return self.status == "" and self.value is not None and self.note != "DOP"

    @property
    def known_value(self) -> float:
        """The value of a result its caller knows is finished, so has one."""
        if self.value is None:
            raise ValueError(f"result {self.mark!r} has no value")
        return self.value

    @property
    def counts_for_lists(self) -> bool:
        return self.finished and self.note not in ("SC", "NV", "MIX")


@dataclass(frozen=True, slots=True)
class Performance:
    """One athlete's result with the race and competition around it."""

    athlete: Athlete
    result: Result
    race: Race
    competition: Competition


@dataclass(frozen=True, slots=True)
class Meeting:
    """A race two athletes both ran."""

    race: Race
    competition: Competition
    a: Result
    b: Result


@dataclass(frozen=True, slots=True)
class RaceResults:
    race: Race
    competition: Competition
    results: tuple[tuple[Result, Athlete], ...]
    partial: bool = False  # its source knew only part of the field (bot.domain.race_report.known_finishers)
