"""Marks: times, distances, heights and points, parsed and printed per discipline.

athlib does the checking (format, plausibility against the discipline); this module adds
what fans and our sources need on top: status marks (DNF, DQ...), hand times, keeping the
printed precision, and the colon typed for a decimal point (`3:29:74`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.disciplines import Discipline

STATUSES = {"DNF", "DNS", "DQ", "NM", "NH", "DOP", "OC"}
_STATUS_ALIASES = {"NH": "NM", "DSQ": "DQ", "NT": "NM", "VST": "DQ", "BLJ": "DQ"}
_NUMBER = re.compile(r"^\d+(?::\d+){0,2}(?:\.\d+)?$")
# Below this distance an h:mm:ss reading is impossible, so a third colon group is hundredths.
_COLON_DECIMAL_MAX_METRES = 5000
PHOTO_FINISH_SECONDS = 0.05  # a gap this small in a timed race is a photo finish


class MarkError(ValueError):
    """A mark that cannot be right for its discipline; the message is for people."""


@dataclass(frozen=True)
class Mark:
    text: str  # normalised as printed: "3:29.74", "2.45", "DNF"
    value: float | None  # seconds, metres or points; None for status marks
    status: str = ""  # "" for a valid mark, else DNF, DNS, DQ, NM
    hand_timed: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "" and self.value is not None


def _status(text: str) -> str | None:
    word = text.strip().upper()
    word = _STATUS_ALIASES.get(word, word)
    return word if word in STATUSES else None


def _seconds(text: str) -> float:
    total = 0.0
    for part in text.split(":"):
        total = total * 60 + float(part)
    return total


def _fix_colon_decimal(d: Discipline, text: str) -> str:
    parts = text.split(":")
    if len(parts) != 3 or "." in text or len(parts[2]) != 2:
        return text
    from athlib import get_distance  # on first use: its package init is 0.15 s (bot.domain.event_codes)

    metres = get_distance(d.base) or 0
    if 0 < metres <= _COLON_DECIMAL_MAX_METRES:
        return f"{parts[0]}:{parts[1]}.{parts[2]}"
    return text


@lru_cache(maxsize=262_144)  # marks repeat: imports parse each distinct one once
def parse_mark(d: Discipline, text: str, *, strict: bool = True) -> Mark:
    """Parse a mark as printed for discipline `d`.

    strict: reject implausible marks (user input, CSV). Archive imports pass False so a
    historic oddity (a 1-hour race in metres) is kept as printed rather than dropped.
    """
    raw = (text or "").strip()
    if not raw:
        raise MarkError("the mark is empty")
    status = _status(raw)
    if status:
        return Mark(status, None, status)
    hand = raw.lower().endswith("h")
    body = raw[:-1].strip() if hand else raw
    body = body.replace(",", ".") if "," in body and "." not in body else body
    body = _fix_colon_decimal(d, body)
    if not _NUMBER.match(body):
        raise MarkError(f"'{raw}' is not a mark: use digits with ':' and '.', e.g. 3:29.74 or 2.45")
    if d.is_field and ":" in body:
        raise MarkError(f"'{body}' is not a distance or height: use metres, e.g. 8.95")
    value = float(body) if d.measured else _seconds(body)
    if strict and d.base != "X":
        _check(d, body, value)
    return Mark(body + ("h" if hand else ""), value, "", hand)


def _check(d: Discipline, body: str, value: float) -> None:
    from athlib import check_performance_for_discipline

    try:
        check_performance_for_discipline(d.base, body)
    except ValueError as exc:
        reason = str(exc)
        if "too fast" in reason:
            raise MarkError(f"{body} is impossibly fast for the {d.name}") from None
        if "too slow" in reason:
            raise MarkError(f"{body} is impossibly slow for the {d.name}") from None
        if "too large" in reason:
            raise MarkError(f"{body} is beyond anything possible in the {d.name}") from None
        raise MarkError(f"'{body}' is not a valid mark for the {d.name}") from None
    if value <= 0:
        raise MarkError(f"{body} is not a possible mark for the {d.name}")


def format_value(d: Discipline, value: float, decimals: int = 2) -> str:
    if d.is_multi or d.base == "1HR":
        return f"{value:.0f}"
    if d.is_field:
        return f"{value:.2f}"
    hours, rest = divmod(value, 3600)
    minutes, seconds = divmod(rest, 60)
    width = 3 + decimals if decimals else 2
    sec = f"{seconds:0{width}.{decimals}f}"
    if hours >= 1:
        return f"{int(hours)}:{int(minutes):02d}:{sec}"
    if minutes >= 1:
        return f"{int(minutes)}:{sec}"
    return f"{seconds:.{decimals}f}"


def margin_text(d: Discipline, better: float, worse: float) -> str:
    """How far apart two marks are, in the unit people use for the discipline."""
    gap = abs(better - worse)
    if d.is_multi:
        return f"{gap:.0f} pts"
    if d.base == "1HR":
        return f"{gap:.0f} m"
    if d.is_field:  # as writers put it: "by 4 cm", "by 3.20 m"
        return f"{gap:.2f} m" if gap >= 1 - 1e-9 else f"{gap * 100:.0f} cm"
    if gap >= 60:
        return format_value(d, gap) + ""
    return f"{gap:.2f} s"


def beats(d: Discipline, a: float, b: float) -> bool:
    return a > b if d.higher_is_better else a < b
