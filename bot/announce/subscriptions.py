"""A channel's subscription to result announcements: what it follows and how results are shown.

Filters are ANDed across kinds and ORed within one (events 1500m or 5000m); an empty filter
matches everything. Competitions are kept by name, not id, so 'Bislett Games' follows the
meeting every year; athletes by id, since names are ambiguous.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


from bot.domain.disciplines import discipline
from bot.domain.models import Competition, Race
from bot.search.names import fold
from bot.announce.publishing import ChannelRef

SPOILER_MODES = ("off", "hide")  # hide: Discord spoiler markup; Slack, which has none, a thread
_COMPETITION_SIMILARITY = 85
# Canonical series -> what people type. Compared after `series_key`, so 'World Athletics
# Championships' and 'Wanda Diamond League' from a source match too.
SERIES = {
    "Diamond League": ("dl", "diamond", "diamondleague", "diamond league"),
    "World Championships": ("wc", "worlds", "wch", "world championships", "world champs"),
    "World Indoor Championships": ("indoors", "wic", "world indoors", "world indoor championships"),
    "Olympic Games": ("og", "olympics", "olympic", "olympic games"),
}
_NOISE = {"wanda", "athletics", "iaaf", "wa"}


def series_key(text: str) -> str:
    return " ".join(w for w in fold(text).split() if w not in _NOISE)


def canonical_series(text: str) -> str | None:
    key = series_key(text)
    for name, aliases in SERIES.items():
        if key == series_key(name) or key in aliases:
            return name
    return None


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Filters:
    series: tuple[str, ...] = ()
    competitions: tuple[str, ...] = ()  # competition names
    events: tuple[str, ...] = ()  # discipline codes
    gender: str = ""  # "", "M" or "W"
    athletes: tuple[int, ...] = ()
    athlete_names: tuple[str, ...] = ()  # for display only
    finals_only: bool = True  # heats and semi-finals would flood a channel at championships

    def matches(self, race: Race, competition: Competition, athlete_ids: set[int] | frozenset[int]) -> bool:
        if self.finals_only and race.round != "final":
            return False
        if self.gender and race.gender != self.gender:
            return False
        if self.events and race.event not in self.events:
            return False
        if self.series and series_key(competition.series) not in {series_key(s) for s in self.series}:
            return False
        if self.competitions and not any(_same_competition(name, competition) for name in self.competitions):
            return False
        if self.athletes and not athlete_ids.intersection(self.athletes):
            return False
        return True

    def to_json(self) -> dict[str, Any]:
        return {"series": list(self.series), "competitions": list(self.competitions), "events": list(self.events),
                "gender": self.gender, "athletes": list(self.athletes), "athlete_names": list(self.athlete_names),
                "finals_only": self.finals_only}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Filters":
        return cls(tuple(data.get("series", ())), tuple(data.get("competitions", ())), tuple(data.get("events", ())),
                   data.get("gender", ""), tuple(data.get("athletes", ())), tuple(data.get("athlete_names", ())),
                   data.get("finals_only", True))

    def describe(self) -> str:
        parts = list(self.series) + list(self.competitions)
        parts += [discipline(e).name for e in self.events]
        parts += [{"M": "men", "W": "women"}[self.gender]] if self.gender else []
        if self.athlete_names:
            parts.append("races with " + ", ".join(self.athlete_names))
        if not parts:
            return "every final" if self.finals_only else "every race, all rounds"
        return " · ".join(parts + ["finals" if self.finals_only else "all rounds"])


def _same_competition(name: str, c: Competition) -> bool:
    from rapidfuzz import fuzz  # on first use: loading it is a tenth of a one-shot command's start

    a = fold(name)
    return a == fold(c.name) or fuzz.token_set_ratio(a, fold(c.name)) >= _COMPETITION_SIMILARITY


@dataclass(frozen=True)
class Subscription:
    channel: ChannelRef
    filters: Filters = field(default_factory=Filters)
    spoiler: str = "off"
    delay_minutes: int = 0  # post this much later than the result came in
    timezone: str = "UTC"  # for times shown in announcements
    id: int = 0  # 0 until stored
    created_at: datetime | None = None
    created_by: str = ""
    active: bool = True
    baselined: bool = False  # its first poll has passed: only later changes are announced
    disabled_reason: str = ""

    def describe(self) -> str:
        extras = [self.filters.describe()]
        if self.spoiler == "hide":
            extras.append("results hidden")
        if self.delay_minutes:
            extras.append(f"{self.delay_minutes} min late")
        if self.timezone != "UTC":
            extras.append(self.timezone)
        return " · ".join(extras)
