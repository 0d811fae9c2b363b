"""A head-to-head counter written apart from racebot: it reads the raw files of shared/data and
the tests' own CSV rows, and applies the README's rules, to check `racebot h2h --json` against.

Rules (README, "How a head-to-head counts"): a meeting is a race both ran; an annulled result
or a DNS means they did not meet; when neither finished there is no meeting; a finisher beats a
non-finisher; places decide before marks; equal places are a tie. Races run in several places
(the bundled meetings file lists them) are not meetings. A jumper listed twice by the archive
counts once, by the placed row.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from raw_archive import ARCHIVE, person

MEETINGS_FILE = Path(__file__).resolve().parents[2] / "racebot" / "data" / "dl-meetings.json"
_FIELD = re.compile(r"jump|vault|put|throw|athlon|hour", re.I)
_SPECIAL = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "đ": "d", "Đ": "d", "ł": "l",
                          "Ł": "l", "ı": "i", "œ": "oe", "þ": "th", "ð": "d"})


def folded(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.translate(_SPECIAL))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", "".join(c for c in text if not unicodedata.combining(c)).lower()).split())


def value(mark: str) -> float | None:
    text = mark.strip().rstrip("hH").strip()
    if not re.fullmatch(r"\d+(:\d+){0,2}(\.\d+)?", text):
        return None
    total = 0.0
    for part in text.split(":"):
        total = total * 60 + float(part)
    return total


@dataclass
class Entry:
    who: str
    place: int | None
    mark: str
    status: str  # "" finished, DNF, DNS, DQ, NM
    annulled: bool = False


@dataclass
class Race:
    key: str
    event: str
    gender: str
    entries: list[Entry] = field(default_factory=list)
    day: str = ""  # ISO
    detail: str = ""  # the archive's "Final 2", "Heat 1, wind: -0.3"
    virtual: bool = False  # run in several places: never a meeting
    higher: bool | None = None  # a higher mark is better; None: told by the event's name

    def __post_init__(self) -> None:
        if self.higher is None:
            self.higher = bool(_FIELD.search(self.event))


def entry_of(who: str, place: str, mark: str, annulled: bool) -> Entry:
    p = place.strip().rstrip(".").strip("=")
    m = mark.strip().upper()
    status = m if m in ("DNF", "DNS", "DQ", "NM", "NH") else ("" if value(mark) is not None else "NM")
    return Entry(who, int(p) if p.isdigit() else None, mark.strip(), "NM" if status == "NH" else status, annulled)


def archive_races(keep_virtual: bool = False) -> tuple[list[Race], dict[str, str], dict[str, set[str]]]:
    """Every archive race, the display name of each athlete id, and ids per (folded name, country).
    Races run in several places are left out, or kept marked `virtual` when asked for."""
    virtual = json.loads(MEETINGS_FILE.read_text("utf-8")).get("virtual", [])
    races, names, by_name = [], {}, defaultdict(set)
    title = re.compile(r"^(Men|Women)'s (.+) - (\d\d)\.(\d\d)\.(\d{4})$")
    for path in sorted(ARCHIVE.glob("[0-9]*_*.json")):
        for category, events in json.loads(path.read_text("utf-8")).items():
            if category == "Split times":
                continue
            for n, ev in enumerate(events):
                m = title.match(ev["title"].replace("\u00a0", " ").strip())
                if not m:
                    continue
                gender = "M" if m[1] == "Men" else "W"
                several = any(v["file"] == path.stem and v.get("gender", gender) == gender
                              and v.get("event", m[2]) == m[2] for v in virtual)
                if several and not keep_virtual:
                    continue
                race = Race(f"{path.stem}/{category}/{n}", m[2], gender, day=f"{m[5]}-{m[4]}-{m[3]}",
                            detail=ev["detail"].replace("\u00a0", " ").strip(), virtual=several)
                seen: dict[str, Entry] = {}
                for r in ev["data"]:
                    rid = str(r.get("id") or "").strip()
                    if not rid:
                        continue  # relay teams: not individual meetings
                    names[rid] = person(r["athlete"])
                    by_name[(folded(names[rid]), (r.get("nat") or "").strip().upper())].add(rid)
                    e = entry_of(rid, r.get("place") or "", r.get("mark") or "",
                                 (r.get("doping") or "").strip().upper() == "DOP" or (r.get("place") or "").strip() == "-")
                    if rid in seen:  # the archive's second row of a jumper: the placed row is the result
                        if seen[rid].place is None and e.place is not None:
                            race.entries[race.entries.index(seen[rid])] = e
                            seen[rid] = e
                        continue
                    seen[rid] = e
                    race.entries.append(e)
                races.append(race)
    return races, names, by_name


def decide(a: Entry, b: Entry, higher: bool) -> str | None:
    """'a', 'b', '' for a tie, None when they did not meet."""
    if a.annulled or b.annulled or "DNS" in (a.status, b.status):
        return None
    fa, fb = a.status == "", b.status == ""
    if not fa and not fb:
        return None
    if fa != fb:
        return "a" if fa else "b"
    if a.place and b.place:
        return "" if a.place == b.place else ("a" if a.place < b.place else "b")
    va, vb = value(a.mark), value(b.mark)
    if va == vb:
        return ""
    return "a" if (va > vb) == higher else "b"


def tally(races: list[Race]) -> dict[tuple[str, str], dict[str, int]]:
    """(who, who) in sorted order -> wins of the first ('a'), of the second ('b'), ties ('')."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"a": 0, "b": 0, "": 0})
    for race in races:
        if race.virtual:
            continue
        for x, y in combinations(sorted(race.entries, key=lambda e: e.who), 2):
            if x.who == y.who:
                continue
            won = decide(x, y, race.higher)
            if won is not None:
                out[(x.who, y.who)][won] += 1
    return out
