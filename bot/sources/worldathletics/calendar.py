"""Calendar entries: which competitions happen when, and which series they belong to.

From `getCalendarEvents` results such as
  {"id": 7153968, "name": "Bislett Games", "venue": "Bislett Stadion, Oslo (NOR)",
   "competitionGroup": "Wanda Diamond League Meeting", "rankingCategory": "GW",
   "startDate": "2022-06-16", "endDate": "2022-06-16", ...}
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .people import parse_date

RESULTS_URL = "https://worldathletics.org/competition/calendar-results/results/{id}"
_VENUE = re.compile(r"^(?P<place>.*?)\s*\((?P<country>[A-Z]{3})\)\s*$")
_US_STATE = re.compile(r",\s*[A-Z]{2}$")  # "Eugene, OR": fans and the archive say "Eugene"
# WA writes cities in their own language; the archive, CSV files and fans use English names, and
# the importer keeps meetings in two differently named cities apart. Umlauts are fine (names fold).
_ENGLISH_CITY = {
    "Roma": "Rome", "Bruxelles": "Brussels", "Beograd": "Belgrade", "Firenze": "Florence",
    "Torino": "Turin", "Milano": "Milan", "Napoli": "Naples", "München": "Munich", "Köln": "Cologne",
    "Wien": "Vienna", "Praha": "Prague", "Warszawa": "Warsaw", "Göteborg": "Gothenburg",
    "København": "Copenhagen", "Genève": "Geneva", "Lisboa": "Lisbon", "Sevilla": "Seville",
    "Athína": "Athens", "Moskva": "Moscow", "Bucuresti": "Bucharest", "București": "Bucharest",
}

# Calendar groups -> our series names, first match wins. WA files a few lower-category meetings
# under the Diamond League group too (Rovereto and Bern in 2021, categories B and C): the real
# meetings have ranking category GW, and DF for the final.
_DIAMOND_CATEGORIES = {"GW", "DF"}
_SERIES = (
    ("World Athletics Indoor Championships", "World Indoor Championships"),
    ("World Athletics Championships", "World Championships"),
    ("Olympic Games", "Olympic Games"),
)


@dataclass(frozen=True)
class CalendarEntry:
    source_id: str  # the WA competition id, as text like every source id
    name: str
    start: date
    end: date
    venue: str = ""  # city as fans (and the archive) say it: "Oslo", "Eugene", "Rome"
    stadium: str = ""
    country: str = ""  # host country code
    series: str = ""  # "Diamond League", "World Championships", ... or ""
    category: str = ""  # WA ranking category: GW, DF, OW, A...
    groups: tuple[str, ...] = ()
    has_results: bool = False
    cancelled: bool = False
    url: str = ""
    id_scheme: str = "wa"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def competition_id(self) -> int:
        return int(self.source_id)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def day_of(self, when: date) -> int | None:
        """WA numbers competition days from 1; None outside the competition."""
        return (when - self.start).days + 1 if self.start <= when <= self.end else None

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day - 1)


def split_venue(text: str | None) -> tuple[str, str, str]:
    """'Bislett Stadion, Oslo (NOR)' -> ('Bislett Stadion', 'Oslo', 'NOR');
    'Stadio Olimpico, Roma (ITA)' -> ('Stadio Olimpico', 'Rome', 'ITA')."""
    text = " ".join((text or "").split())
    m = _VENUE.match(text)
    place, country = (m.group("place"), m.group("country")) if m else (text, "")
    place = _US_STATE.sub("", place)
    parts = [p.strip() for p in place.split(",") if p.strip()]
    stadium, city = (parts[0], ", ".join(parts[1:])) if len(parts) > 1 else ("", parts[0] if parts else "")
    return stadium, _ENGLISH_CITY.get(city, city), country


def series_of(groups: tuple[str, ...], category: str) -> str:
    if any("Diamond League" in g for g in groups) and category in _DIAMOND_CATEGORIES:
        return "Diamond League"
    for group in groups:
        for needle, series in _SERIES:
            if group == needle:
                return series
    return ""


def calendar_entry(item: dict[str, Any]) -> CalendarEntry | None:
    """One validated calendar result -> CalendarEntry (None when its dates do not parse)."""
    start = parse_date(item.get("startDate"))
    end = parse_date(item.get("endDate")) or start
    if start is None or end is None:
        return None
    groups = tuple(g.strip() for g in (item.get("competitionGroup") or "").split(",") if g.strip())
    category = item.get("rankingCategory") or ""
    stadium, city, country = split_venue(item.get("venue"))
    period = item.get("undeterminedCompetitionPeriod") or {}
    kinds = item.get("disciplines") or ""
    indoor = "Indoor" in kinds and "Outdoor" not in kinds  # marks indoors are their own discipline
    return CalendarEntry(
        source_id=str(item["id"]), name=" ".join(item["name"].split()), start=start, end=max(start, end),
        venue=city, stadium=stadium, country=item.get("country") or country,
        series=series_of(groups, category), category=category, groups=groups,
        has_results=bool(item.get("hasResults")),
        cancelled=str(period.get("status") or "").lower() == "cancelled",
        url=RESULTS_URL.format(id=item["id"]),
        extra={"area": item.get("area") or "", "disciplines": kinds, "indoor": indoor},
    )


def calendar_entries(page: dict[str, Any]) -> list[CalendarEntry]:
    found = (calendar_entry(item) for item in page.get("results") or [])
    return [entry for entry in found if entry is not None]
