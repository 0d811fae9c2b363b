"""Validated competition results -> ResultRow, one unit per event and day with a content hash.

The hash lets the source tell which events changed since the last fetch and hand on only those
rows. Conventions follow the Diamond League archive importer (bot/ingest/dl_archive.py), so the
same race from both sources looks the same: race_label is "" for Diamond Disciplines and the
programme's name otherwise ("National Events"), and two programmes running the same event on
one day get separate race numbers.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.precedence import OFFICIAL
from bot.ingest.rows import ResultRow

from .calendar import RESULTS_URL, CalendarEntry, split_venue
from .events import STATUS_MARKS, place_of, record_flags, round_of, wa_event, wind_of
from .people import id_from_slug, name_parts, parse_date

log = logging.getLogger(__name__)
_PLAIN_RACE = re.compile(r"(round \d+ - )?(final|heats?|semi-?finals?)( - heat)?")
_MAIN_PROGRAMME = {"", "diamond discipline"}


@dataclass(frozen=True)
class EventResults:
    """All rows of one event on one competition day, with the hash of what they came from."""
    event_id: int
    day: int
    digest: str
    rows: list[ResultRow] = field(default_factory=list)


def digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def entry_from_results(competition_id: int, page: dict[str, Any],
                       known: CalendarEntry | None = None) -> CalendarEntry | None:
    """The calendar entry for a results page: the known one, else built from page.competition."""
    if known is not None:
        return known
    comp = page.get("competition") or {}
    start = parse_date(comp.get("startDate"))
    if start is None:
        return None
    stadium, city, country = split_venue(comp.get("venue"))
    return CalendarEntry(source_id=str(competition_id), name=" ".join((comp.get("name") or "").split()),
                         start=start, end=max(start, parse_date(comp.get("endDate")) or start), venue=city,
                         stadium=stadium, country=country, category=comp.get("rankingCategory") or "",
                         url=RESULTS_URL.format(id=competition_id))


def days_of(page: dict[str, Any]) -> list[int]:
    """The competition days the API offers (options.days), in order."""
    return sorted({d["day"] for d in ((page.get("options") or {}).get("days") or []) if d and d.get("day")})


def event_results(page: dict[str, Any], entry: CalendarEntry, day: int) -> list[EventResults]:
    """Every event on `day` of a results page, one unit each (races of other days are left out)."""
    parts: list[tuple[int, dict[str, Any], list[ResultRow]]] = []
    for title in page.get("eventTitles") or []:
        for event in title.get("events") or []:
            races = [r for r in event.get("races") or [] if r and r.get("day") in (None, day)]
            if races:
                unit = {**event, "races": races}
                parts.append((event["eventId"], unit, _event_rows(unit, title.get("eventTitle") or "", entry, day)))
    _separate_races(parts)
    units: dict[int, EventResults] = {}
    for event_id, unit, rows in parts:
        previous = units.get(event_id)
        if previous is not None:  # one event listed under two titles: keep both parts
            rows, unit = previous.rows + rows, {"parts": [previous.digest, unit]}
        units[event_id] = EventResults(event_id, day, digest(unit), rows)
    return list(units.values())


def _separate_races(parts: list[tuple[int, dict[str, Any], list[ResultRow]]]) -> None:
    """Number races apart when several WA events run the same event, gender and round that day
    (a Diamond Discipline 100 m and a national 100 m): in event-id order, each race its own number."""
    owners: dict[tuple[Any, ...], set[int]] = defaultdict(set)
    for event_id, _, rows in parts:
        for row in rows:
            owners[(row.event, row.gender, row.round)].add(event_id)
    numbers: dict[tuple[Any, ...], int] = {}
    for key, event_ids in owners.items():
        if len(event_ids) < 2:
            continue
        taken = 0
        for event_id in sorted(event_ids):
            own = sorted({r.race or 0 for e, _, rows in parts if e == event_id for r in rows
                          if (r.event, r.gender, r.round) == key})
            for number in own:
                taken += 1
                numbers[(*key, event_id, number)] = taken
    if numbers:
        for event_id, _, rows in parts:
            rows[:] = [replace(r, race=numbers.get((r.event, r.gender, r.round, event_id, r.race or 0), r.race))
                       for r in rows]


def _event_rows(event: dict[str, Any], title: str, entry: CalendarEntry, day: int) -> list[ResultRow]:
    ev = wa_event(event["event"], event.get("gender"))
    if ev.gender not in ("M", "W"):
        log.debug("skipping %s: mixed or unknown gender (%r)", event["event"], event.get("gender"))
        return []
    relay = bool(event.get("isRelay")) or bool(ev.discipline and ev.discipline.is_relay)
    context = {
        "entry": entry, "event": event, "day": day, "gender": ev.gender, "relay": relay,
        "event_text": f"{ev.event} (indoor)" if entry.extra.get("indoor") else ev.event,
        "code": ev.discipline.code if ev.discipline else "",
        "programme": "" if title.lower() in _MAIN_PROGRAMME else title,
        "members": _relay_members(event) if relay else {},
    }
    rows = (_row(context, race, result or {}) for race in event["races"] for result in race.get("results") or [])
    return [row for row in rows if row is not None]


def _row(c: dict[str, Any], race: dict[str, Any], result: dict[str, Any]) -> ResultRow | None:
    entry, event = c["entry"], c["event"]
    competitor = result.get("competitor") or {}
    remark = (result.get("remark") or "").strip()
    mark = (result.get("mark") or "").strip()
    if not mark and remark.upper() in STATUS_MARKS:
        mark = remark.upper()
    printed = " ".join((competitor.get("name") or "").split())
    if not mark or not printed:  # an entrant with no outcome at all (a start-list leftover)
        return None
    name, given, family = (printed, "", "") if c["relay"] else name_parts(printed)
    own, shared = result.get("wind"), race.get("wind")  # jumps: each result's own; sprints: the race's
    first, second = (own, shared) if event.get("perResultWind") else (shared, own)
    wind = wind_of(first)
    wind = wind_of(second) if wind is None else wind
    birth = parse_date(competitor.get("birthDate"))
    race_text = (race.get("race") or "").strip()
    number = race.get("raceNumber")
    label = race_text if race_text and not _PLAIN_RACE.fullmatch(race_text.lower()) else c["programme"]
    extra = {"wa_competition_id": entry.competition_id, "wa_event_id": event["eventId"], "wa_day": c["day"],
             "wa_event": event["event"], "wa_race": race_text, "wa_race_id": race.get("raceId"),
             "discipline": c["code"], "competition_country": entry.country, "given": given, "family": family,
             "name_as_printed": printed, "remark": remark, "records": result.get("records") or "",
             "qualified": result.get("qualified"), "points": result.get("points"),
             "members": c["members"].get(printed)}
    return ResultRow(origin=OFFICIAL, 
        date=parse_date(race.get("date")) or entry.date_of(race.get("day") or c["day"]),
        competition=entry.name, event=c["event_text"], gender=c["gender"], athlete=name, mark=mark,
        venue=entry.venue, series=entry.series, round=round_of(race_text),
        race=number if isinstance(number, int) and number > 0 else None, race_label=label,
        place=None if mark.upper() in STATUS_MARKS else place_of(result.get("place")),
        country=(result.get("nationality") or "").strip(), wind=wind,
        flags=record_flags(result.get("records")), source=entry.url,
        athlete_id="" if c["relay"] else str(competitor.get("id") or id_from_slug(competitor.get("urlSlug"))),
        birth_year=birth.year if birth else None, birth_date=birth, competition_end=entry.end,
        category=entry.category, extra={k: v for k, v in extra.items() if v not in (None, "", [])},
    )


def _relay_members(event: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Team name -> its runners, from the event summary (results list the team only)."""
    members = {}
    for item in event.get("summary") or []:
        team = (item or {}).get("competitor") or {}
        runners = [{"name": name_parts(m.get("name"))[0], "wa_id": str(m.get("id") or "")}
                   for m in team.get("teamMembers") or [] if m and m.get("name")]
        if team.get("name") and runners:
            members[" ".join(team["name"].split())] = runners
    return members
