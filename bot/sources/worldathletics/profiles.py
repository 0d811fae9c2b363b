"""Athletes: competitor search hits and an athlete's season of results (profile pages)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.precedence import OFFICIAL
from bot.ingest.rows import ResultRow

from .calendar import RESULTS_URL, split_venue
from .events import STATUS_MARKS, gender_of, place_of, round_of, wa_event, wind_of
from .people import full_name, name_parts, parse_date

_RACE_CODE = re.compile(r"(SF|QF|F|H|Q|R)(\d*)")  # profile pages: F, F1, H2, SF1, Q
_CODE_ROUNDS = {"SF": "semi-final", "QF": "heat", "F": "final", "H": "heat", "Q": "heat", "R": "heat"}


@dataclass(frozen=True)
class Competitor:
    wa_id: str
    name: str
    country: str = ""
    gender: str = ""
    birth_date: date | None = None
    disciplines: str = ""
    url_slug: str = ""


def competitor(item: dict[str, Any]) -> Competitor:
    return Competitor(wa_id=str(item["aaAthleteId"]), name=full_name(item.get("givenName"), item.get("familyName")),
                      country=item.get("country") or "", gender=gender_of(item.get("gender")),
                      birth_date=parse_date(item.get("birthDate")), disciplines=item.get("disciplines") or "",
                      url_slug=item.get("urlSlug") or "")


def season_rows(basic: dict[str, Any], results: list[dict[str, Any]], wa_id: int) -> list[ResultRow]:
    """An athlete's results of one season -> rows (one athlete, many competitions)."""
    printed = " ".join(p for p in (basic.get("givenName"), basic.get("familyName")) if p)
    name, given, family = name_parts(printed)
    birth = parse_date(basic.get("birthDate"))
    rows = []
    for item in results:
        when = parse_date(item.get("date"))
        ev = wa_event(item.get("discipline") or item.get("disciplineCode") or "", basic.get("sexCode"))
        mark = (item.get("mark") or "").strip() or (item.get("remark") or "").strip().upper()
        if when is None or not mark or ev.gender not in ("M", "W"):
            continue
        code = (item.get("race") or "").strip().upper()
        m = _RACE_CODE.fullmatch(code)
        stadium, city, country = split_venue(item.get("venue"))
        extra = {"wa_competition_id": item.get("competitionId"), "wa_event_id": item.get("eventId"),
                 "discipline": ev.discipline.code if ev.discipline else "", "stadium": stadium,
                 "competition_country": country, "given": given, "family": family}
        rows.append(ResultRow(origin=OFFICIAL, 
            date=when, competition=" ".join((item.get("competition") or "").split()),
            event=f"{ev.event} (indoor)" if item.get("indoor") else ev.event, gender=ev.gender,
            athlete=name, mark=mark, venue=city, round=_CODE_ROUNDS[m.group(1)] if m else round_of(code),
            race=int(m.group(2)) if m and m.group(2) else None,
            place=None if mark.upper() in STATUS_MARKS else place_of(item.get("place")),
            country=basic.get("countryCode") or "", wind=wind_of(item.get("wind")),
            source=RESULTS_URL.format(id=item["competitionId"]) if item.get("competitionId") else "",
            athlete_id=str(wa_id), birth_date=birth, birth_year=birth.year if birth else None,
            note="NV" if item.get("notLegal") else "", category=item.get("category") or "",
            extra={k: v for k, v in extra.items() if v},
        ))
    return rows
