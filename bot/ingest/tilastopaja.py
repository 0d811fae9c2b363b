"""Tilastopaja race histories (shared/data/tilastopaja-2024): one athlete's whole career per line.

One race is spread over the files of every athlete in it, so a race is keyed by what all those
rows share (competition id, date, event, round, round stage) and that key, not a race number, is
its identity in the store (`race_key`): a national race can never join the Diamond League race
that happens to carry the same number, and importing again finds the same races. Only the
athletes of this data set are known in each race, so every race is marked as a partial field
(bot.domain.race_report decides from the places known whether the field is whole after all).
Races that other sources already hold are joined by record linking (bot.ingest.linking).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator

from bot.errors import ImportFailed
from bot.domain.precedence import HISTORY
from bot.ingest.rows import BestRow, ResultRow
from bot.ingest.tilastopaja_events import event_name

SCHEME = "tilastopaja"
_PLACE = re.compile(r"(\d+)=?")  # "3=" is a tie for third
_ROUND = re.compile(r"(?P<kind>[hsqrcp]?)(?P<no>\d+|[a-z])?\s*(?P<age>[-_.§].*)?", re.I)
_KINDS = {"h": "heat", "s": "semi-final", "q": "heat", "p": "heat", "r": "final", "c": "final"}
_KIND_LABELS = {"q": "qualification", "c": "{} final", "r": "{} race"}
SPLIT_PACE = 0.97  # see en_route
_COMBINED_RANKS = {"H", "D", "P", "M"}  # heptathlon, decathlon, pentathlon, other combined event
_DISTANCES = {**{str(m): float(m) for m in (800, 1000, 1500, 2000, 3000, 5000, 10000)}, "Mile": 1609.344,
              "2M": 3218.688, "5K": 5000.0, "10K": 10000.0, "15K": 15000.0, "20K": 20000.0, "25K": 25000.0,
              "30K": 30000.0, "10M": 16093.44, "HM": 21097.5, "Mar": 42195.0}  # flat races that hold splits
_AGE_GROUPS = {"Under 23": "U23", "Under 20": "U20", "Under 18": "U18", "Under 17": "U17"}


_ORDINAL = re.compile(r"^(?:\d+(?:st|nd|rd|th)|[IVXLC]{2,}\.?)\s+", re.I)
_YEAR = re.compile(r"\s*\b(?:19|20)\d\d$")


def plain_name(printed: str) -> str:
    """A meeting's name without what changes from year to year: "44th Athletissima, IAAF Diamond
    League, Stade Olympique de la Pontaise" is Athletissima (replies add the year themselves).
    The edition number, a year, and the sponsor and stadium after the first comma go."""
    name = printed.split(",")[0].strip()
    name = _YEAR.sub("", _ORDINAL.sub("", name)).strip()
    return name or printed.strip()


@dataclass
class _Competition:
    """What every row of one competition id shares, so all its races land in one competition."""

    names: Counter[str] = field(default_factory=Counter)
    cities: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    first: str = "9999"
    last: str = ""

    def add(self, r: dict[str, Any]) -> None:
        if r.get("compName"):
            self.names[plain_name(r["compName"])] += 1
        if r.get("city"):
            self.cities[r["city"].strip()] += 1
        if r.get("venuecountry"):
            self.countries[r["venuecountry"].strip()] += 1
        self.first, self.last = min(self.first, r["date"]), max(self.last, r["date"])

    def settle(self, key: str) -> "_Competition":
        """Its one name, place and country: the most common of those its rows give."""
        self.venue = self.cities.most_common(1)[0][0] if self.cities else ""
        self.name = self.names.most_common(1)[0][0] if self.names else f"{self.venue or 'Unnamed'} meeting"
        self.country = self.countries.most_common(1)[0][0] if self.countries else ""
        self.end = date.fromisoformat(self.last)
        self.extra = {"competition_key": key, "competition_country": self.country}  # shared by its rows
        return self


@dataclass
class Histories:
    rows: list[ResultRow]
    bests: list[BestRow]


def read_histories(lines: Iterable[str], path: str, source: str) -> Histories:
    """Every individual result of every athlete in the file, in file order, and their stated bests.

    A competition's name, place and days vary between athletes' files: its rows learn the ones
    chosen from all of them once the whole file is read."""
    comps: dict[str, _Competition] = {}
    out = Histories([], [])
    of: list[_Competition] = []  # each row's competition, in step with out.rows
    for line, athlete in _athletes(lines, path):
        for r in athlete.get("results") or ():
            key = _competition_id(r)
            comp = comps.get(key)
            if comp is None:
                comp = comps[key] = _Competition()
            comp.add(r)
        for row, key in athlete_rows(athlete, source, line):
            out.rows.append(row)
            of.append(comps[key])
        out.bests += stated_bests(athlete, source)
    for key, comp in comps.items():
        comp.settle(key)
    for row, comp in zip(out.rows, of):
        row.competition, row.venue, row.competition_end, row.extra = comp.name, comp.venue, comp.end, comp.extra
    return out


def stated_bests(athlete: dict[str, Any], source: str) -> list[BestRow]:
    """The profile's personal bests (as of its date: mid-2024 for the shared file), indoor apart."""
    out = []
    for pb in athlete.get("personalBests") or ():
        event = event_name(pb.get("eventCode") or "")
        mark = (pb.get("performance") or "").strip()
        if event is None or not mark:
            continue
        out.append(BestRow(SCHEME, str(athlete["tpAthleteId"]), f"{event} indoor" if pb.get("indoor") else event,
                           mark, _day(pb.get("date")), plain_name(pb.get("compName") or ""), source))
    return out


def _athletes(lines: Iterable[str], path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            athlete = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed(path, number, f"not a Tilastopaja athlete (invalid JSON: {exc.msg})") from None
        if not isinstance(athlete, dict) or not athlete.get("tpAthleteId") or "results" not in athlete:
            raise ImportFailed(path, number, "not a Tilastopaja athlete: tpAthleteId and results are required")
        if not athlete.get("familyName"):
            continue  # a nation's relay and team squads, filed as a nameless athlete: no individual races
        if athlete.get("gender") not in ("M", "W"):
            raise ImportFailed(path, number, f"gender {athlete.get('gender')!r} is not M or W")
        yield number, athlete


def _competition_id(r: dict[str, Any]) -> str:
    """Tilastopaja's own competition id; a few thousand rows have none: their place and day then."""
    return (r.get("competition_ID") or "").strip() or f"{r.get('city') or ''}|{r['date']}|{r.get('compName') or ''}"


def athlete_rows(athlete: dict[str, Any], source: str, line: int) -> list[tuple[ResultRow, str]]:
    """The athlete's rows, each with its competition's key (its name and place come from all files)."""
    name = " ".join(f"{athlete.get('givenName') or ''} {athlete['familyName']}".split())
    born = _day(athlete.get("birthDate"))
    year = int(athlete["birthYear"]) if str(athlete.get("birthYear") or "").isdigit() else None
    out: dict[str, tuple[ResultRow, str]] = {}
    skipped = en_route(athlete.get("results") or ()) | combined_parts(athlete.get("results") or ())
    for r in athlete.get("results") or ():
        if id(r) in skipped:
            continue
        row = _row(r, athlete, source, line)
        if row is None:
            continue
        row.athlete, row.birth_date, row.birth_year = name, born, year or (born.year if born else None)
        # A jumper's second row in one competition, unplaced ('-'), is their best wind-legal mark
        # beside the placed, wind-assisted one: extra information, never a second result.
        had = out.get(row.race_key)
        if had is None or (had[0].place is None and row.place is not None):
            out[row.race_key] = (row, _competition_id(r))
    return list(out.values())


def combined_parts(results: Iterable[dict[str, Any]]) -> set[int]:
    """id() of each row of a combined event's discipline: the lettered one (H, D, P, M) and the
    unplaced second row a jumper's discipline may have beside it (the best legal mark: Tim Nowak's
    7.33 beside his scoring 7.48 in the Rome 2024 decathlon), which alone would look like a race."""
    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        return r.get("competition_ID"), r["date"], r.get("event"), r.get("round"), r.get("roundstage")

    parts = {key(r) for r in results if (r.get("rank") or "").strip() in _COMBINED_RANKS}
    return {id(r) for r in results if key(r) in parts}


def en_route(results: Iterable[dict[str, Any]]) -> set[int]:
    """id() of each result that is a time taken on the way in a longer race of the same athlete,
    competition, day and round (1500m in the Mile, 5 km in the half marathon): Tilastopaja ranks
    those too, but they are not races. Measured over the whole file, an intermediate time's pace is
    within 3% of the whole race's (median 1.00), a genuine double's is 4% to 20% faster."""
    runs: dict[tuple[Any, ...], list[tuple[float, float, int]]] = {}
    for r in results:
        metres, seconds = _DISTANCES.get((r.get("event") or "").strip()), _seconds(r.get("result") or "")
        if metres and seconds:
            key = (r.get("competition_ID"), r["date"], r.get("round"))
            runs.setdefault(key, []).append((metres, seconds / metres, id(r)))
    out = set()
    for group in runs.values():
        for metres, pace, rid in group:
            if any(longer > metres and pace / other >= SPLIT_PACE for longer, other, _ in group):
                out.add(rid)
    return out


def _seconds(text: str) -> float | None:
    try:
        total = 0.0
        for part in text.strip().rstrip("h").split(":"):
            total = total * 60 + float(part)
        return total or None
    except ValueError:
        return None


def _row(r: dict[str, Any], athlete: dict[str, Any], source: str, line: int) -> ResultRow | None:
    """One result, or None when it is not an individual placed race (a relay, a team score, one
    discipline inside a combined event, a row without a mark)."""
    event = event_name(r.get("event") or "")
    rank = (r.get("rank") or "").strip()
    mark = (r.get("result") or "").strip().rstrip("a")  # `a`: a relay's time taken apart; relays are skipped
    if event is None or not mark or (rank and rank != "-" and not _PLACE.fullmatch(rank)):
        return None  # a letter rank (H, D, P, M, Com...) is a discipline inside a combined event
    indoor = (r.get("IndoorOutdoor") or "").strip().lower() == "indoor"
    rnd, number, label = round_of(r.get("round") or "", r.get("roundstage") or "", r.get("agegroup") or "")
    place = _PLACE.fullmatch(rank)
    gender = athlete["gender"]
    return ResultRow(
        date=date.fromisoformat(r["date"]), competition="", venue="",  # set once the file is read
        event=f"{event} indoor" if indoor else event, gender=gender, athlete="", mark=mark, round=rnd,
        race=number, race_label=label, place=int(place[1]) or None if place else None,  # rank 0: unplaced
        country=(athlete.get("nationality") or "").strip().upper(), wind=_wind(r.get("wind")), source=source,
        athlete_id=str(athlete["tpAthleteId"]), id_scheme=SCHEME, line=line, origin=HISTORY, partial_field=True,
        race_key="|".join((SCHEME, _competition_id(r), r["date"], r["event"].strip(), gender,
                           (r.get("round") or "").strip(), (r.get("roundstage") or "").strip())))


def round_of(raw: str, stage: str, age_group: str) -> tuple[str, int, str]:
    """(round, race number, label) from Tilastopaja's round code: '' the final, h1 heat 1, s2
    semi-final 2, q qualification, r1/rB races or sections of a final, cB a B final; an age-group
    suffix (h1-19) is a race of that age group. The number is a preference: a race's identity is
    its key, and the store moves it to a free number when another race holds this one."""
    text = " ".join(raw.split())
    m = _ROUND.fullmatch(text)
    age = _AGE_GROUPS.get(age_group.strip(), "")
    if not m:  # 'Serie 2', 'International', 'Běh 01': kept as printed
        digits = re.search(r"\d+", text)
        return "final", int(digits[0]) if digits else 1, " · ".join(x for x in (text, age) if x)
    kind, no = m["kind"].lower(), m["no"] or ""
    if not age and m["age"]:
        age = _age_label(m["age"][1:])
    number = int(no) if no.isdigit() else (ord(no.upper()) - 64 if no else 1)
    rnd = _KINDS.get(kind, "heat" if stage.strip() == "Prelim" else "final")
    words = _KIND_LABELS.get(kind, "")
    label = words.format(no.upper()) if "{}" in words and no.isalpha() else ("" if "{}" in words else words)
    return rnd, max(number, 1), " · ".join(x for x in (label, age) if x)


def _age_label(suffix: str) -> str:
    """'19' (19 and under) -> 'U20'; '35' (a masters age) -> '35+'; 'HS' stays 'HS'."""
    if suffix.isdigit():
        return f"U{int(suffix) + 1}" if int(suffix) < 30 else f"{suffix}+"
    return suffix.strip()


def _wind(text: object) -> float | None:
    try:
        return float(str(text).replace(",", ".")) if str(text or "").strip() else None
    except ValueError:
        return None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
