"""Tilastopaja's event codes as racebot's printed event names (bot.domain.disciplines reads them back).

Youth implements and hurdle heights are events of their own (`SP5` is "Shot Put (5 kg)",
`110H91.4` "110m hurdles (91.4 cm)"), so their marks never mix with the senior event's.
Relays and team scores are not individual meetings: they have no name here (None).
"""
from __future__ import annotations

import re

_PLAIN = {"HJ": "High Jump", "PV": "Pole Vault", "LJ": "Long Jump", "TJ": "Triple Jump", "HM": "Half Marathon",
          "MAR": "Marathon", "MILE": "Mile", "MILER": "Mile (road)", "MILEW": "Mile walk", "CC": "Cross Country",
          "MR": "Mountain Race", "TR": "Trail Race", "1H": "1 Hour", "LJS": "Standing Long Jump",
          "THROWSPEN": "Throws Pentathlon", "WT": "Weight Throw"}
_THROWS = {"SP": "Shot Put", "DT": "Discus", "HT": "Hammer", "JT": "Javelin", "WT": "Weight Throw"}
_MULTI = {"DEC": "Decathlon", "HEP": "Heptathlon", "PEN": "Pentathlon", "OCT": "Octathlon", "HEX": "Hexathlon",
          "TRI": "Triathlon"}
_MULTI_KIND = {"": "", "I": "", "J": "junior", "Y": "youth"}  # `i`: indoor, which IndoorOutdoor says anyway
_TEAM = re.compile(r"\d+X|TEAM|MIX|^REL$|^EXHMC$|^4X")  # relays (4x1, 2x2x4MIX), team totals (3xCCTEAM, ExHMC)
_HURDLES = re.compile(r"(\d+)(Y?)H(\d+(?:\.\d+)?)?(?:-(\d+\.\d+))?")
_STEEPLE = re.compile(r"(\d+)S(\d+(?:\.\d+)?)?")
_THROW = re.compile(r"(SP|DT|HT|JT|WT)(\d+(?:\.\d+)?)")
_MULTI_CODE = re.compile(r"(DEC|HEP|PEN|OCT|HEX|TRI)([A-Z]?)(.*)")
_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)(K|M|W|Y)?")


def event_name(code: str) -> str | None:
    """The printed name of Tilastopaja event `code`, or None for a relay or a team score."""
    key = code.strip().upper()
    if not key or _TEAM.search(key):
        return None
    if key in _PLAIN:
        return _PLAIN[key]
    if m := _HURDLES.fullmatch(key):
        distance, yards, height, spacing = m.groups()
        name = f"{distance} yards hurdles" if yards else f"{distance}m hurdles"
        return name + _qualifier(f"{height} cm" if height else "", f"{spacing} m" if spacing else "")
    if m := _STEEPLE.fullmatch(key):
        return f"{m[1]}m SC" + _qualifier(f"{m[2]} cm" if m[2] else "")
    if m := _THROW.fullmatch(key):
        weight = float(m[2])  # javelins are weighed in grams (JT500), the rest in kilograms
        return _THROWS[m[1]] + _qualifier(f"{m[2]} g" if m[1] == "JT" and weight >= 100 else f"{m[2]} kg")
    if key in _THROWS:
        return _THROWS[key]
    if m := _MULTI_CODE.fullmatch(key):
        kind = _MULTI_KIND.get(m[2], m[2].lower())
        return _MULTI[m[1]] + _qualifier(" ".join(x for x in (kind, code.strip()[len(m[1]) + len(m[2]):]) if x))
    if m := _DISTANCE.fullmatch(key):
        number, unit = m.groups()
        return {None: f"{number}m", "K": f"{number} km", "M": f"{number} Miles", "Y": f"{number} yards",
                "W": f"{number}m walk" if float(number) >= 1000 else f"{number} km walk"}[unit]
    return code.strip()  # kept under its own code (bot.domain.disciplines files it as a custom event)


def _qualifier(*parts: str) -> str:
    text = ", ".join(p for p in parts if p)
    return f" ({text})" if text else ""
