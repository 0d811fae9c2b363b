"""The Diamond League results archive (dl.all-athletics.com, as scraped by hpr/diamond-league-results).

One JSON file per meeting and year: category -> events {title, detail, data[]}. Quirks handled
here are listed in shared/data/README.md: SURNAME capitals, two-digit birth years, split times,
annulled results, several races per event, meetings filed under another slot.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from bot.domain.precedence import ARCHIVE
from bot.ingest.rows import ResultRow

SKIP_CATEGORIES = {"Split times"}  # intermediate times inside a longer race, not races
_TITLE = re.compile(r"^(?P<who>Men|Women|Boy|Girl|Mixed)'?s?\s+(?P<event>.+?)\s+-\s+(?P<day>\d\d\.\d\d\.\d{4})$")
_DETAIL = re.compile(r"^(?P<round>[A-Za-z]+)(?:\s+(?P<no>\d+))?(?:,\s*wind:\s*(?P<wind>[-+]?\d+(?:\.\d+)?))?")
_ROUND = {"final": "final", "heat": "heat", "semifinal": "semi-final", "combined": "final"}
_NOTES = {"SC", "NV", "MIX"}


def meeting_info(slot: str, year: int, day: date, meetings: dict[str, Any]) -> dict[str, Any]:
    """Name and venue of a meeting slot, with the archive's misfiled meetings corrected."""
    info = dict(meetings["slots"].get(slot, {"name": f"Diamond League meeting {slot}", "venue": ""}))
    for fix in meetings.get("overrides", []):
        if fix["slot"] == slot and fix.get("year", year) == year and fix.get("date", day.isoformat()) == day.isoformat():
            info.update({k: v for k, v in fix.items() if k not in ("slot", "year", "date")})
    return info


def read_meeting(stem: str, content: dict[str, Any], meetings: dict[str, Any], source: str) -> list[ResultRow]:
    """Rows of one `<year>_<slot>` file; `content` is the parsed JSON."""
    year_text, slot = stem.split("_", 1)
    rows: list[ResultRow] = []
    used: dict[tuple[Any, ...], set[int]] = {}
    line = 0
    for category, events in (content or {}).items():
        if category in SKIP_CATEGORIES:
            continue
        for ev in events:
            m = _TITLE.match(ev["title"].replace("\u00a0", " ").strip())
            if not m:
                continue
            day = datetime.strptime(m["day"], "%d.%m.%Y").date()
            gender = "W" if m["who"] in ("Women", "Girl") else "M"
            d = _DETAIL.match(ev["detail"].replace("\u00a0", " ").strip())
            rnd = _ROUND.get(d["round"].lower(), "final") if d else "final"
            wind = float(d["wind"]) if d and d["wind"] else None
            key = (day, m["event"], gender, rnd)
            taken = used.setdefault(key, set())
            race_no = int(d["no"]) if d and d["no"] else 1
            if race_no in taken:  # a second category running the same event: its own race
                race_no = max(taken) + 1
            taken.add(race_no)
            info = meeting_info(slot, int(year_text), day, meetings)
            venues = _venues(meetings, stem, gender, m["event"])
            label = "" if category == "Diamond Discipline" else category
            for r in _one_row_each(ev["data"]):
                line += 1
                rows.append(_row(r, info, day, m["event"], gender, rnd, race_no, wind, label, source, stem, line))
                rows[-1].venues = venues
    return rows


def _venues(meetings: dict[str, Any], stem: str, gender: str, event: str) -> str:
    """Where a race run in several places at once was run (the 2020 virtual meetings), or ''."""
    for v in meetings.get("virtual", []):
        if v["file"] == stem and v.get("gender", gender) == gender and v.get("event", event) == event:
            venues: str = v["venues"]
            return venues
    return ""


def _one_row_each(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The archive lists some jumpers twice (Stockholm 2021: Tajay Gayle 1st 8.55, then unplaced
    8.27): the placed row is the result, the second is extra information, never a second result."""
    kept: dict[str, int] = {}
    teams: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for r in data:
        who = str(r.get("id") or "").strip()
        if not who:  # a relay team, named by its country: a country's second team is a team of its own
            name = (r.get("athlete") or "").strip()
            teams[name] = teams.get(name, 0) + 1
            out.append(r if teams[name] == 1 else {**r, "athlete": f"{name} (team {teams[name]})"})
            continue
        at = kept.get(who)
        if at is None:
            kept[who] = len(out)
            out.append(r)
        elif not _placed(out[at]) and _placed(r):
            out[at] = r
    return out


def _placed(r: dict[str, Any]) -> bool:
    return (r.get("place") or "").strip().rstrip(".").isdigit()


def _row(r: dict[str, Any], info: dict[str, Any], day: date, event: str, gender: str, rnd: str, race_no: int,
         wind: float | None, label: str, source: str, stem: str, line: int) -> ResultRow:
    place_text = (r.get("place") or "").strip()
    doping = (r.get("doping") or "").strip().upper()
    mark = (r.get("mark") or "").strip() or "NM"
    birth = r.get("birthYear") or None
    if birth and 1900 <= birth <= 1909:  # scraped from two digits: '00 is 2000, not 1900
        birth += 100
    athlete = (r.get("athlete") or "").strip()
    return ResultRow(origin=ARCHIVE, 
        date=day, competition=info["name"], venue=info.get("venue", ""), series="Diamond League",
        event=event, gender=gender, round=rnd, race=race_no, race_label=label,
        place=int(place_text.rstrip(".")) if re.fullmatch(r"[0-9]{1,9}\.?", place_text) else None,  # not "²"
        athlete=athlete, country=(r.get("nat") or "").strip().upper(), mark=mark, wind=wind,
        source=source, athlete_id=str(r.get("id") or "").strip(), birth_year=birth,
        annulled=doping == "DOP" or place_text == "-",
        note="OC" if place_text == "OC" else (doping if doping in _NOTES else ""),
        line=line, extra={"file": stem, "competition_country": info.get("country", "")})
