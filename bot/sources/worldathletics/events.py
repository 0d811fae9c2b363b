"""World Athletics event names -> our disciplines, and the small vocabularies around them.

WA names events "Men's 1500 Metres", "1500 Metres Men", "Women's 4x100 Metres Relay",
"20 Kilometres Race Walk Men", "3000 Metres Steeplechase". We strip the gender, rewrite WA's
wording into what bot.domain.disciplines.parse_discipline reads, and print the event the way the CSV
interchange format does ("1500m", "4x100m", "High Jump").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.disciplines import Discipline, parse_discipline

_GENDER_PREFIX = re.compile(r"^\s*(men|women|mixed|male|female)(?:['’]s)?\s+", re.I)
_GENDER_SUFFIX = re.compile(r"\s+(men|women|mixed|male|female)\s*$", re.I)
# WA wording -> parse_discipline wording, applied in order.
_REWRITES = (
    (re.compile(r"\bone mile\b", re.I), "Mile"),
    (re.compile(r"\b(\d[\d,]*) metres hurdles\b", re.I), r"\1H"),
    (re.compile(r"\b(\d[\d,]*) metres steeplechase\b", re.I), r"\1m SC"),
    (re.compile(r"\bkilometres?\b", re.I), "km"),
    (re.compile(r"\s+relay\b", re.I), ""),
    (re.compile(r"\s+road(?: running)?$", re.I), " road race"),
    (re.compile(r"\s+short track$", re.I), " (short track)"),
)
_GENDERS = {"m": "M", "men": "M", "male": "M", "w": "W", "f": "W", "women": "W", "female": "W",
            "x": "X", "mixed": "X"}
_SEX_CODES = {"1": "M", "2": "W"}

FLAGS = ("WR", "WL", "AR", "NR", "CR", "MR", "DLR", "PB", "SB")
# Area records have their own WA abbreviations; we file them all as AR.
_AREA_RECORDS = {"ER", "AFR", "ASR", "OCR", "SAR", "NACR", "NACACR", "CAR"}
STATUS_MARKS = {"DNF", "DNS", "DQ", "NM", "NH"}


@dataclass(frozen=True)
class WAEvent:
    event: str  # as we print it: "1500m", "4x100m", "High Jump"
    gender: str  # "M", "W" or "X" (mixed)
    discipline: Discipline | None  # None: WA named something we do not classify


def gender_of(code: str | None, name: str = "") -> str:
    key = (code or "").strip().lower()
    if key in _GENDERS:
        return _GENDERS[key]
    if key in _SEX_CODES:
        return _SEX_CODES[key]
    m = _GENDER_PREFIX.match(name) or _GENDER_SUFFIX.search(name)
    return _GENDERS.get(m.group(1).lower(), "") if m else ""


def wa_event(name: str, gender: str | None = None) -> WAEvent:
    core = _GENDER_SUFFIX.sub("", _GENDER_PREFIX.sub("", name)).strip()
    fed = core
    for pattern, replacement in _REWRITES:
        fed = pattern.sub(replacement, fed)
    d = parse_discipline(fed)
    if d is None:
        return WAEvent(" ".join(core.split()), gender_of(gender, name), None)
    printed = d.name.replace(" x ", "x")
    if parse_discipline(printed) != d:  # our printed name must read back as the same discipline
        printed = fed
    return WAEvent(printed, gender_of(gender, name), d)


def record_flags(text: str | None) -> tuple[str, ...]:
    """'WL, MR' -> ('WL', 'MR'). An equalled record ('=PB') is still that record."""
    flags: list[str] = []
    for token in re.split(r"[\s,;/]+", (text or "").upper()):
        token = token.strip("=()")
        token = "AR" if token in _AREA_RECORDS else token
        if token in FLAGS and token not in flags:
            flags.append(token)
    return tuple(flags)


def round_of(race: str | None) -> str:
    """WA race labels ('Final', 'Semifinal - Heat', 'Round 1 - Heat', 'Qualification') -> our round."""
    text = (race or "").lower()
    if "semi" in text:
        return "semi-final"
    if re.search(r"\b(heat|round|qualification|preliminary|repechage)\b", text):
        return "heat"
    return "final"


def place_of(text: str | None) -> int | None:
    """'1.' -> 1, '=3.' -> 3, '' -> None (did not finish, disqualified...)."""
    m = re.fullmatch(r"\s*=?\s*(\d+)\s*\.?\s*", text or "")
    return int(m.group(1)) if m else None


def wind_of(text: str | float | None) -> float | None:
    if isinstance(text, (int, float)):
        return float(text)
    m = re.fullmatch(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:m/s)?\s*", text or "")
    return float(m.group(1).replace(",", ".")) if m else None
