"""One result as every source hands it to the ingester: the CSV interchange row (see DESIGN.md)."""
from __future__ import annotations

from dataclasses import dataclass, field
import datetime
from datetime import date
from typing import Any


@dataclass(slots=True)
class ResultRow:
    date: date
    competition: str
    event: str  # as printed: "1500m", "Mile", "High Jump"
    gender: str  # "M" or "W"
    athlete: str  # full name as people write it: "Jakob Ingebrigtsen"
    mark: str  # as printed; DNF, DNS, DQ, NM are marks too
    venue: str = ""
    series: str = ""
    round: str = "final"  # final, semi-final, heat
    race: int | None = None  # heat or race number
    race_label: str = ""  # "National Events", "Bowerman Mile": kept for display
    place: int | None = None
    country: str = ""
    wind: float | None = None
    flags: tuple[str, ...] = ()
    source: str = ""
    athlete_id: str = ""  # the source's own id (World Athletics id for the archive)
    id_scheme: str = "wa"  # whose id athlete_id is
    birth_year: int | None = None
    birth_date: datetime.date | None = None  # `date` in here is the field above
    annulled: bool = False  # the race happened but the result no longer counts (doping)
    note: str = ""  # SC short course, NV not valid for lists, OC out of competition
    line: int = 0  # where in the source file, for error messages
    competition_end: datetime.date | None = None
    category: str = ""
    origin: int = 1  # precedence of the source (bot.domain.precedence): a user's file unless a reader says
    venues: str = ""  # a race run in several places at once: "Oslo; Nairobi" (not a meeting)
    race_key: str = ""  # the source's own identity for the race, when it has one (bot.ingest.tilastopaja)
    partial_field: bool = False  # the source knows only some of the race's results (athletes' histories)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BestRow:
    """A personal best as a source states it, for an athlete of that source's rows."""

    id_scheme: str
    athlete_id: str
    event: str  # as printed, "indoor" included for an indoor best
    mark: str
    day: date | None
    competition: str
    source: str
