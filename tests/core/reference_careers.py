"""Whole careers counted apart from racebot: the Tilastopaja histories of the Rome 2024 entrants
(shared/data/tilastopaja-2024) and the Diamond League archive, read from their files, with the
issue's rules applied here, to check `racebot h2h --json` against (issue 12).

Rules, as this module applies them:
- An entrant is one line of the histories with a family name (nameless lines are a nation's
  relay squads). An entrant is the archive's athlete of the same folded name and country when
  exactly one archive athlete fits and their birth years do not contradict (the archive's
  1900-1909 are 2000-2009; an archive athlete is known under every country it printed), or,
  failing that (both birth years known and equal from here on), the one archive athlete of that
  country whose name is the entrant's with some later words left out or added: a middle name ("Pedro Pablo Pichardo" is "Pedro Pichardo"), a
  married name ("Līna Mūze-Sirmā" is "Līna Mūze"); or failing that, the one archive athlete of
  that country with the same family name and birth year and a first name spelled otherwise
  ("Yuliya Levchenko" is "Yuliia Levchenko"; "Maria Isabel Pérez" is not "Marta Pérez").
  Before all of these, KNOWN_AS: entrants known (from outside both files) to be an archive athlete
  under another name or country: a married name, a change of nationality, a transliteration.
- One history race is every row sharing competition id, date, event code, round and round stage
  (rows without a competition id: its printed name and city instead), within one gender.
- Not a placed individual race: relays and team scores (event codes with "x", TEAM, MIX); a row
  whose rank is a letter (H, D, P, M: one discipline of a combined event; Com, Pen, ...), and any
  other row of that athlete in the same discipline of the same combined event (a jump's unranked
  best legal mark beside the scoring one), while a combined event's total (Dec, Hep, ...) is a race. A rank that starts with digits is that place
  ("3=" a tie for third, "1." first).
- A row with neither a place nor a mark is no result at all; a mark that is not a time or a
  distance (NT) is a non-finisher's.
- A flat time taken on the way in a longer flat race of the same athlete, competition, day and
  round is a split, not a race: its pace is within 3% of the longer race's (measured over the file:
  a real double is run at least 4% faster over the shorter distance).
- An athlete with two rows in one race (a jumper's unplaced best legal mark beside the placed
  wind-assisted one) has one result: the placed row.
- Youth implements and hurdle heights are events of their own (their codes differ: SP5, 110H91.4);
  indoor races are races (their codes and competitions are their own).
- A history race that the archive also holds (same day, gender, event and round kind, sharing an
  athlete) is that archive race: the archive's places and marks decide (an annulled result there
  is no meeting, whatever the history printed), and a history athlete the archive does not list
  joins it with the history's row. One history race can be several archive races (two finals of
  one event on one day share a history key): each athlete the archive lists is in their archive
  race, and the others join the one holding most of the history race's athletes. A race run in
  several places is not a meeting, whichever file tells it.
- Then reference_h2h's rules: places decide before marks, equal places tie, a finisher beats a
  non-finisher, neither finishing is no meeting, DNS and annulled results are no meeting.
- The seed article's races are left out: no two entrants ran one of them (only Ingebrigtsen is
  an entrant), so they change no entrant's record against another.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from raw_archive import ARCHIVE, SHARED, archive_events
from reference_h2h import Race, archive_races, entry_of, folded, tally, value

HISTORIES = SHARED / "tilastopaja-2024" / "athletes.jsonl.gz"
_TEAM = re.compile(r"\dx|team|mix", re.I)
_RANK = re.compile(r"(\d+)(=?)")
_HIGHER = re.compile(r"^(HJ|PV|LJ|TJ|SP|DT|HT|JT|WT|BALL|1H|DEC|HEP|PEN|OCT|HEX|TRI|QUA|THROWSPEN|6OTT)", re.I)
_COMBINED = re.compile(r"^(DEC|HEP|PEN|OCT|HEX|TRI|QUA|THROWSPEN|6OTT)", re.I)
_THROWS = re.compile(r"^(SP|DT|HT|JT|WT|BALL)", re.I)
_JUMPS = re.compile(r"^(HJ|PV|LJ|TJ)", re.I)
# Tilastopaja's codes of the events the archive also holds, as the archive's titles name them.
ARCHIVE_EVENTS = {"100": "100m", "150": "150m", "200": "200m", "300": "300m", "400": "400m", "600": "600m",
                  "800": "800m", "1000": "1000m", "1500": "1500m", "2000": "2000m", "3000": "3000m",
                  "5000": "5000m", "10000": "10,000m", "15000": "15,000m", "20000": "20,000m",
                  "25000": "25,000m", "30000": "30,000m", "Mile": "Mile", "2M": "2 Miles", "10M": "10 Miles",
                  "100Y": "100y", "3000S": "3000mSC", "100H": "100mH", "110H": "110mH", "200H": "200mH",
                  "300H": "300mH", "400H": "400mH", "HJ": "High Jump", "PV": "Pole Vault", "LJ": "Long Jump",
                  "TJ": "Triple Jump", "SP": "Shot Put", "DT": "Discus Throw", "HT": "Hammer Throw",
                  "JT": "Javelin Throw", "1H": "1 Hour", "3000W": "3000m Race Walk", "5000W": "5000m Race Walk",
                  "MileW": "Mile Race Walk", "5K": "5km Road Race", "SP3": "Shot Put (3kg)",
                  "SP5": "Shot Put (5kg)", "SP6": "Shot Put (6kg)", "DT1.5": "Discus Throw (1,5kg)"}
_METRES = {**{str(m): float(m) for m in (800, 1000, 1500, 2000, 3000, 5000, 10000)}, "Mile": 1609.344,
           "2M": 3218.688, "5K": 5000.0, "10K": 10000.0, "15K": 15000.0, "20K": 20000.0, "25K": 25000.0,
           "30K": 30000.0, "10M": 16093.44, "HM": 21097.5, "Mar": 42195.0}
SPLIT_PACE = 0.97
# (histories' name, country) -> (archive's name, country): one person, as the public record says.
KNOWN_AS = {("Sandra Elkasević", "CRO"): ("Sandra Perković", "CRO"),  # married 2022
            ("Christin Maurer", "GER"): ("Christin Hussong", "GER"),  # married 2023
            ("Natalia Bukowiecka", "POL"): ("Natalia Kaczmarek", "POL"),  # married 2023
            ("Amy-Eloise Neale", "GBR"): ("Amy-Eloise Markovc", "GBR"),  # her maiden name again
            ("Thierry Ndikumwenayo", "ESP"): ("Thierry Ndikumwenayo", "BDI"),  # Spanish since 2023
            ("Ilias Fifa", "ESP"): ("Ilias Fifa", "MAR"),
            ("Jordan Alejandro Díaz", "ESP"): ("Jordan Alejandro Díaz Fortun", "CUB"),
            ("Dominic Lokinyomo Lobalu", "SUI"): ("Domnic Lokinyomo Lobalu", "SSD"),
            ("Awet Nftalem Kibrab", "NOR"): ("Awet Nftalem Kibrab", "ERI"),
            ("Elína Tzénggo", "GRE"): ("Elina Tzengko", "GRE")}  # transliterated otherwise
SPELLED_OTHERWISE = 0.7  # first names this alike: Charlie and Charles 0.71, Maria Isabel and Marta 0.47


@dataclass(frozen=True)
class Entrant:
    tp: str
    name: str
    gender: str
    country: str
    who: str  # the archive's athlete id when linked, else "tp<id>"


def category(code: str) -> str:
    """track, jumps, throws or combined, for an event code of either file."""
    if _COMBINED.match(code) or "athlon" in code:
        return "combined"
    if _THROWS.match(code) or re.search(r"put|throw", code, re.I):
        return "throws"
    if _JUMPS.match(code) or re.search(r"jump|vault", code, re.I):
        return "jumps"
    return "track"


def profiles() -> list[dict]:
    with gzip.open(HISTORIES, "rt", encoding="utf-8") as lines:
        return [a for a in map(json.loads, lines) if a.get("familyName")]


def archive_births() -> dict[str, int]:
    out = {}
    for path in sorted(ARCHIVE.glob("[0-9]*_*.json")):
        for *_, rows in archive_events(path.stem):
            for r in rows:
                rid, year = str(r.get("id") or "").strip(), r.get("birthYear")
                if rid and year:
                    out[rid] = year + 100 if 1900 <= year <= 1909 else year
    return out


def link(name: str, country: str, born: int | None, by_name: dict, births: dict[str, int]) -> str | None:
    """The archive athlete this entrant is, or None (the rules are the module's)."""
    def fits(rid: str) -> bool:
        return born is None or rid not in births or births[rid] == born

    known = KNOWN_AS.get((name, country))
    if known:
        (rid,) = by_name[(folded(known[0]), known[1])]  # one archive athlete, or the list is wrong
        return rid
    same = [rid for rid in by_name.get((folded(name), country), ()) if fits(rid)]
    if same:
        return same[0] if len(same) == 1 else None
    words = folded(name).split()
    country_ids = [(other.split(), rid) for (other, nat), ids in by_name.items() if nat == country for rid in ids]
    twin = [(other, rid) for other, rid in country_ids if born and births.get(rid) == born]  # known, equal
    longer = {rid for other, rid in twin if _within(other, words) or _within(words, other)}
    if longer:
        return longer.pop() if len(longer) == 1 else None
    family = {rid for other, rid in twin if other[-1] == words[-1]
              and SequenceMatcher(None, " ".join(other[:-1]), " ".join(words[:-1])).ratio() >= SPELLED_OTHERWISE}
    return family.pop() if len(family) == 1 else None


def _within(short: list[str], words: list[str]) -> bool:
    """`short` is `words` without some of its later words: the same first name, and the other
    words in order among a longer name's (a middle name, a married name added)."""
    if not 2 <= len(short) < len(words) or short[0] != words[0]:
        return False
    rest = iter(words[1:])
    return all(w in rest for w in short[1:])


def splits(results: list[dict]) -> set[int]:
    """id() of the rows that are times taken on the way in a longer race (see the module's rules)."""
    runs = defaultdict(list)
    for r in results:
        metres, seconds = _METRES.get((r.get("event") or "").strip()), value(r.get("result") or "")
        if metres and seconds:
            runs[(r.get("competition_ID"), r["date"], r.get("round"))].append((metres, seconds / metres, id(r)))
    return {rid for group in runs.values() for metres, pace, rid in group
            if any(longer > metres and pace / other >= SPLIT_PACE for longer, other, _ in group)}


def _slot(r: dict) -> tuple:
    return r.get("competition_ID"), r["date"], r.get("event"), r.get("round"), r.get("roundstage")


def round_kind(code: str, stage: str) -> str:
    c = code.strip().lower()[:1]
    if c in ("h", "q", "p"):
        return "heat"
    if c == "s":
        return "semi"
    return "heat" if stage.strip() == "Prelim" and not c else "final"


def _archive_kind(detail: str) -> str:
    d = detail.lower()
    return "heat" if d.startswith("heat") else "semi" if d.startswith("semi") else "final"


@dataclass
class _HistoryRace:
    race: Race
    code: str
    kind: str


def history_races(entrants: dict[str, Entrant], people: list[dict]) -> list[_HistoryRace]:
    races: dict[tuple, _HistoryRace] = {}
    for a in people:
        me = entrants[str(a["tpAthleteId"])]
        split = splits(a["results"])
        lettered = {_slot(r) for r in a["results"] if (r.get("rank") or "").strip() in ("H", "D", "P", "M")}
        for r in a["results"]:
            code = (r.get("event") or "").strip()
            rank, mark = (r.get("rank") or "").strip(), (r.get("result") or "").strip()
            place = _RANK.match(rank)
            if (id(r) in split or not code or _TEAM.search(code) or (rank not in ("", "-") and not place)
                    or _slot(r) in lettered):
                continue
            if not place and not mark:
                continue
            comp = (r.get("competition_ID") or "").strip() or f"{r.get('compName')}|{r.get('city')}"
            key = (comp, r["date"], code, (r.get("round") or "").strip(), (r.get("roundstage") or "").strip(), me.gender)
            hr = races.get(key)
            if hr is None:
                hr = races[key] = _HistoryRace(Race("tp/" + "/".join(key), code, me.gender, day=r["date"],
                                                    higher=bool(_HIGHER.match(code))),
                                               code, round_kind(key[3], key[4]))
            e = entry_of(me.who, place[1] + ("=" if place[2] else "") if place else "", mark or "NM", False)
            had = next((x for x in hr.race.entries if x.who == me.who), None)
            if had is None:
                hr.race.entries.append(e)
            elif had.place is None and e.place is not None:
                hr.race.entries[hr.race.entries.index(had)] = e
    return list(races.values())


def merged(history: list[_HistoryRace], archive: list[Race]) -> list[Race]:
    """The archive's races with the history athletes they lack, and the history races the archive
    lacks. Athlete by athlete: the histories cannot tell two finals of one event and day apart
    (Zürich 2021 ran a Diamond League and a promotional 400m hurdles), so one history race may be
    several archive races; each athlete the archive lists that day is in the archive's race."""
    by_slot: dict[tuple, list[Race]] = defaultdict(list)
    for race in archive:
        by_slot[(race.day, race.gender, race.event.removesuffix(" indoor"), _archive_kind(race.detail))].append(race)
    out = list(archive)
    for hr in history:
        held = Counter()  # archive race key -> how many of this race's athletes it lists
        races = {}
        for race in by_slot.get((hr.race.day, hr.race.gender, ARCHIVE_EVENTS.get(hr.code), hr.kind), ()):
            listed = {e.who for e in race.entries}
            races[race.key] = race
            held.update(race.key for e in hr.race.entries if e.who in listed)
        listed = {e.who for key in held for e in races[key].entries}
        rest = [e for e in hr.race.entries if e.who not in listed]
        top = held.most_common(2)
        if not top:
            out.append(hr.race)
        elif rest and (len(top) == 1 or top[0][1] > top[1][1]):
            races[top[0][0]].entries += rest
        elif rest:  # two archive races hold as many of its athletes: the others' race is unknown
            out.append(Race(hr.race.key, hr.race.event, hr.race.gender, rest, day=hr.race.day, higher=hr.race.higher))
    return out


@dataclass
class Careers:
    entrants: dict[str, Entrant]  # by Tilastopaja id
    records: dict[tuple[str, str], dict[str, int]]  # (who, who) sorted -> wins 'a', 'b', ties ''
    events: dict[tuple[str, str], Counter]  # (who, who) sorted -> meetings per event
    names: dict[str, str]  # archive id -> display name, for namesakes


def careers() -> Careers:
    archive, names, by_name = archive_races(keep_virtual=True)
    births = archive_births()
    people = profiles()
    entrants = {}
    for a in people:
        name = " ".join(f"{a.get('givenName') or ''} {a['familyName']}".split())
        born = int(a["birthYear"]) if str(a.get("birthYear") or "").isdigit() else None
        tp, country = str(a["tpAthleteId"]), (a.get("nationality") or "").strip().upper()
        entrants[tp] = Entrant(tp, name, a["gender"], country, link(name, country, born, by_name, births) or f"tp{tp}")
    races = merged(history_races(entrants, people), archive)
    mine = {e.who for e in entrants.values()}
    events: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for race in races:
        ours = sorted({e.who for e in race.entries} & mine)
        for i, x in enumerate(ours):
            for y in ours[i + 1:]:
                events[(x, y)][race.event] += 1
    records = {pair: w for pair, w in tally(races).items() if pair[0] in mine and pair[1] in mine and sum(w.values())}
    return Careers(entrants, records, events, names)
