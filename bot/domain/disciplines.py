"""Athletics disciplines: what fans and sources call them, and how to compare marks.

Codes follow athlib's event codes (OpenTrack) so we can lean on its checks;
non-standard variants (youth implements, indoor, short hurdles) keep their
qualifier in the code so their marks never mix into senior lists.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from bot.domain.event_codes import EVENT_CODE, FIELD_EVENTS, MULTI_EVENTS

# Names people write -> athlib code. Keys are compacted (see _compact).
_ALIASES = {
    "mile": "MILE", "1mile": "MILE", "1mi": "MILE", "bowermanmile": "MILE", "dreammile": "MILE",
    "2miles": "2M", "2mile": "2M", "twomiles": "2M",
    "3000msc": "3000SC", "3000sc": "3000SC", "3000mst": "3000SC", "steeple": "3000SC",
    "steeplechase": "3000SC", "3000steeple": "3000SC", "3000msteeplechase": "3000SC",
    "2000msc": "2000SC", "2000mst": "2000SC",
    "100mh": "100H", "100h": "100H", "100mhurdles": "100H",
    "110mh": "110H", "110h": "110H", "110mhurdles": "110H",
    "400mh": "400H", "400h": "400H", "400mhurdles": "400H",
    "300mh": "300H", "300h": "300H", "300mhurdles": "300H", "200mh": "200H", "200h": "200H",
    "200mhurdles": "200H",
    "highjump": "HJ", "hj": "HJ", "polevault": "PV", "pv": "PV", "vault": "PV",
    "longjump": "LJ", "lj": "LJ", "triplejump": "TJ", "tj": "TJ",
    "shotput": "SP", "shot": "SP", "sp": "SP", "discusthrow": "DT", "discus": "DT", "dt": "DT",
    "hammerthrow": "HT", "hammer": "HT", "ht": "HT", "javelinthrow": "JT", "javelin": "JT", "jt": "JT",
    "heptathlon": "HEP", "decathlon": "DEC", "pentathlon": "PEN",
    "marathon": "MAR", "halfmarathon": "HM",
    "4x100m": "4x100", "4x100": "4x100", "4x200m": "4x200", "4x400m": "4x400", "4x400": "4x400",
    "4x800m": "4x800", "3x100m": "3x100",
    "1hour": "1HR", "onehour": "1HR",
    "100y": "100Y", "100yards": "100Y", "mileracewalk": "MILEW", "milewalk": "MILEW",
}

_NAMES = {
    "MILE": "Mile", "2M": "2 Miles", "3000SC": "3000m SC", "2000SC": "2000m SC",
    "100H": "100m hurdles", "110H": "110m hurdles", "400H": "400m hurdles", "300H": "300m hurdles",
    "200H": "200m hurdles", "HJ": "High Jump", "PV": "Pole Vault", "LJ": "Long Jump",
    "TJ": "Triple Jump", "SP": "Shot Put", "DT": "Discus", "HT": "Hammer", "JT": "Javelin",
    "HEP": "Heptathlon", "DEC": "Decathlon", "PEN": "Pentathlon", "MAR": "Marathon",
    "HM": "Half Marathon", "1HR": "1 Hour", "100Y": "100 yards", "MILEW": "Mile walk",
}

# Bare numbers are only distances when a track race is run over them: "2024" is a season.
_TRACK_DISTANCES = {50, 55, 60, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000, 3000,
                    5000, 10000, 15000, 20000, 25000, 30000}

_LONGEST = 100_000  # metres (or yards, miles): nothing longer is raced on a track or a road

_LONGEST_HURDLES = 1000  # metres: hurdle races are 50-400 m; anything longer is a misread
_DECIMAL = re.compile(r"\d\.\d")
# A custom event (kept under its printed name) whose name says its marks are metres or points:
# the histories' weight throws, throws pentathlons, standing jumps and youth combined events.
_MEASURED_NAME = re.compile(r"throw|jump|vault|shot|discus|hammer|javelin|athlon|ball", re.I)
_QUALIFIER = re.compile(r"\s*(\((?P<paren>[^)]*)\)|\b(?P<word>indoor|road race)\b)\s*", re.I)


@dataclass(frozen=True)
class Discipline:
    code: str  # athlib code, plus "/qualifier" for variants
    base: str  # athlib code without qualifier
    name: str  # how we print it

    @property
    def higher_is_better(self) -> bool:
        return self.measured

    @cached_property  # asked for every row of a head-to-head
    def measured(self) -> bool:
        """Marks are metres or points (bigger wins), not times."""
        return (self.base in FIELD_EVENTS or self.base in MULTI_EVENTS or self.base == "1HR"
                or (self.base == "X" and bool(_MEASURED_NAME.search(self.name))))

    @property
    def is_field(self) -> bool:
        return self.base in FIELD_EVENTS

    @property
    def is_multi(self) -> bool:
        return self.base in MULTI_EVENTS

    @property
    def is_relay(self) -> bool:
        return "x" in self.base.lower() and self.base[0].isdigit()

    @property
    def is_walk(self) -> bool:
        return self.base.endswith("W") and self.base[0].isdigit()

    @property
    def is_standard(self) -> bool:
        return self.code == self.base


def _compact(text: str) -> str:
    return re.sub(r"[\s,._'-]+", "", text.lower()).replace("metres", "m").replace("meters", "m")


def _base_code(text: str) -> str | None:
    key = _compact(text)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    hurdles = re.fullmatch(r"(\d{2,})m?h(?:urdles)?", key)  # 60mh, 300m hurdles: any distance over hurdles
    if hurdles and int(hurdles[1]) <= _LONGEST_HURDLES:  # not a year glued on: "2018 110mh"
        return f"{hurdles[1]}H"
    m = re.fullmatch(r"(\d+)(m|k|km)?(w|racewalk|walk)?", key)
    if m:
        number, unit, walk = m.groups()
        metres = int(number) * (1000 if unit in ("k", "km") else 1)
        if metres > _LONGEST:  # '2022 5 km' read as one word is a year beside a distance
            return None
        if walk:
            return f"{metres // 1000}KW" if metres % 1000 == 0 and metres >= 3000 else f"{metres}W"
        if unit in ("k", "km") or (metres >= 5000 and metres % 1000 == 0 and unit == "km"):
            return f"{int(number)}K"
        if metres not in _TRACK_DISTANCES:
            return None
        code = str(metres)
    else:
        code = key.upper()
    if code in _NAMES:
        return code
    if not EVENT_CODE.match(code.strip()):  # as normalize_event_code would refuse it, without importing athlib
        return None
    from athlib import normalize_event_code  # here: its package init costs a one-shot 0.15 s (event_codes)

    try:
        code = normalize_event_code(code)
    except ValueError:
        return None
    # athlib takes any number before a unit ('2020100Y'): a year typed beside '100y' is no distance.
    number = re.match(r"\d+", code)
    return None if number and int(number.group()) > _LONGEST else code


def _display(base: str) -> str:
    if base in _NAMES:
        return _NAMES[base]
    if base[:-1].isdigit() and base.endswith("H"):
        return f"{base[:-1]}m hurdles"
    if base.isdigit():
        return f"{int(base):,}m" if int(base) >= 10000 else f"{base}m"
    if base.endswith("K") and base[:-1].isdigit():
        return f"{base[:-1]} km"
    if base.endswith("KW"):
        return f"{base[:-2]} km walk"
    if base.endswith("W") and base[:-1].isdigit():
        return f"{base[:-1]}m walk"
    return base.replace("x", " x ") + ("m" if base[-1].isdigit() else "")


@lru_cache(maxsize=4096)
def parse_discipline(text: str) -> Discipline | None:
    """Recognise a discipline as fans and sources write it; None when it is not one."""
    qualifiers = []

    def grab(m: re.Match[str]) -> str:
        # "()" matches with an empty paren group and no word: an empty qualifier, dropped below
        qualifiers.append((m.group("paren") or m.group("word") or "").strip().lower())
        return " "

    core = _QUALIFIER.sub(grab, text).strip()
    if _DECIMAL.search(core):  # "10.5 km walk", "4.748 Miles": compacting would read 105 and 4748
        return None
    base = _base_code(core)
    if base is None:
        return None
    qualifiers = [q for q in qualifiers if q and q != "road race"]
    if not qualifiers:
        return Discipline(base, base, _display(base))
    qual = " ".join(qualifiers)
    return Discipline(f"{base}/{qual}", base, f"{_display(base)} ({qual})")


@lru_cache(maxsize=4096)
def discipline(code: str) -> Discipline:
    """The discipline for a stored code (the inverse of `.code`); cached, as a reply asks per row."""
    base, _, qual = code.partition("/")
    if base == "X":
        return Discipline(code, base, qual)
    name = _display(base) + (f" ({qual})" if qual else "")
    return Discipline(code, base, name)


def discipline_or_custom(text: str) -> Discipline:
    """For imports: an event we cannot classify is kept under its printed name, never dropped."""
    found = parse_discipline(text)
    if found is not None:
        return found
    name = " ".join(text.split())
    return Discipline(f"X/{name}", "X", name)
