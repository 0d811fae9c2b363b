"""The CSV interchange format (DESIGN.md), and JSON lists of the same fields."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Iterable

from bot.commands.parsing import parse_gender
from bot.errors import ImportFailed
from bot.ingest.rows import ResultRow

REQUIRED = ("date", "competition", "event", "gender", "athlete", "mark")
KNOWN = REQUIRED + ("venue", "series", "round", "race", "place", "country", "wind", "flags", "source",
                    "athlete_id", "venues")
FLAGS = {"WR", "WL", "AR", "NR", "CR", "MR", "DLR", "PB", "SB", "WU20R", "WJR", "ER", "OR", "CHR", "=WR"}
_ROUNDS = {"final": "final", "f": "final", "a final": "final", "semi-final": "semi-final",
           "semifinal": "semi-final", "semi": "semi-final", "sf": "semi-final", "heat": "heat", "h": "heat",
           "heats": "heat", "qualification": "qualification", "q": "qualification"}


def read_csv(text: str, path: str) -> list[ResultRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    lacking = [c for c in REQUIRED if c not in header]
    if lacking:
        raise ImportFailed(path, 1, f"missing column(s): {', '.join(lacking)}")
    # Plain tuples and zip are much faster than DictReader on million-row files.
    plain = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    next(plain)
    width = len(header)
    rows = []
    for values in plain:
        if not values:
            continue
        if len(values) != width:
            raise ImportFailed(path, plain.line_num, f"expected {width} fields, found {len(values)}")
        rows.append(to_row(dict(zip(header, values)), path, plain.line_num))
    return rows


def read_json(text: str, path: str) -> list[ResultRow]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(path, exc.lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise ImportFailed(path, 1, "expected a list of result objects")
    out = []
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            raise ImportFailed(path, i, "each item must be an object")
        missing = [c for c in REQUIRED if c not in obj]
        if missing:
            raise ImportFailed(path, i, f"item {i} lacks {', '.join(missing)}")
        out.append(to_row({k: "" if v is None else str(v) for k, v in obj.items()}, path, i))
    return out


class FieldError(ValueError):
    """One field's value is unusable; the message names the field and value, for people."""


# One parser per field, shared by `to_row` and the columnar CSV path (bot.ingest.columns),
# so a value is accepted or refused with the same words whichever path reads it.
def need(value: str, col: str) -> str:
    value = value.strip()
    if not value:
        raise FieldError(f"'{col}' is empty")
    return value


def day_of(raw: str) -> date:
    try:
        return date.fromisoformat(need(raw, "date"))
    except ValueError as exc:
        if isinstance(exc, FieldError):
            raise
        raise FieldError(f"date '{raw}' is not YYYY-MM-DD") from None


def gender_of(raw: str) -> str:
    gender = parse_gender(need(raw, "gender"))
    if gender is None:
        raise FieldError(f"gender '{raw}' is not M or W")
    return gender


def round_of(raw: str) -> str:
    text = raw.strip().lower() or "final"
    if text not in _ROUNDS:
        raise FieldError(f"round '{raw}' is not final, semi-final or heat")
    return _ROUNDS[text]


def wind_of(raw: str) -> float | None:
    wind = raw.strip()
    try:
        return float(wind) if wind else None
    except ValueError:
        raise FieldError(f"wind '{wind}' is not a number like +0.4") from None


STATUS_WORDS = {"DNF": "DNF", "DQ": "DQ", "DSQ": "DQ", "DNS": "DNS", "NM": "NM", "NH": "NM"}


def place_and_mark(place: str, mark: str) -> tuple[str, str]:
    """A status word in `place` is the result's status (its mark may then be empty); '=3' and
    '3=' are a tie for third. A place beside a non-finish mark contradicts itself."""
    p, m = place.strip(), mark.strip()
    status = STATUS_WORDS.get(p.upper())
    if status:
        other = STATUS_WORDS.get(m.upper())
        if other and other != status:
            raise FieldError(f"place says {p} but mark says {m}")
        return "", status
    p = p.strip("=")
    if p.rstrip(".").isdigit() and m.upper() in ("DNF", "DNS", "DQ", "DSQ"):
        raise FieldError(f"place {p} and mark {m} contradict each other")
    return p, m


def race_of(raw: str) -> int | None:
    """A heat or race number, or a qualification group's letter (A is 1, B is 2)."""
    value = raw.strip()
    if len(value) == 1 and "A" <= value.upper() <= "Z":
        return ord(value.upper()) - 64
    return count_of(value, "race")


def split_flags(raw: str) -> tuple[tuple[str, ...], str]:
    """(record flags, other words): words outside the list are kept as a note, with a warning."""
    words = raw.upper().split()
    return tuple(w for w in words if w in FLAGS), " ".join(w for w in raw.split() if w.upper() not in FLAGS)


def count_of(raw: str, what: str) -> int | None:
    value = raw.strip().rstrip(".")
    if not value:
        return None
    if not value.isdigit():
        raise FieldError(f"{what} '{value}' is not a whole number")
    return int(value)


def to_row(rec: dict[str, str], path: str, line: int) -> ResultRow:
    get = rec.get
    try:
        # The order of the checks is the order of the messages: the first problem is named.
        day = day_of(get("date", ""))
        gender = gender_of(get("gender", ""))
        round_ = round_of(get("round", ""))
        wind = wind_of(get("wind", ""))
        flags, note = split_flags(get("flags", ""))
        place, mark = place_and_mark(get("place", ""), get("mark", ""))
        return ResultRow(
            date=day, competition=need(get("competition", ""), "competition"), event=need(get("event", ""), "event"),
            gender=gender, athlete=need(get("athlete", ""), "athlete"), mark=need(mark, "mark"),
            venue=get("venue", "").strip(), series=get("series", "").strip(), round=round_,
            race=race_of(get("race", "")), place=count_of(place, "place"), note=note,
            country=get("country", "").strip().upper(), wind=wind, flags=flags,
            source=get("source", "").strip(), athlete_id=get("athlete_id", "").strip(),
            venues=get("venues", "").strip(), line=line, extra={"unknown_flags": note} if note else {})
    except FieldError as exc:
        raise ImportFailed(path, line, str(exc)) from None


def write_csv(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(KNOWN))
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue()
