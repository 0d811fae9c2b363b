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
                    "athlete_id")
FLAGS = {"WR", "WL", "AR", "NR", "CR", "MR", "DLR", "PB", "SB", "WU20R", "WJR", "ER", "OR", "CHR", "=WR"}
_ROUNDS = {"final": "final", "f": "final", "a final": "final", "semi-final": "semi-final",
           "semifinal": "semi-final", "semi": "semi-final", "sf": "semi-final", "heat": "heat", "h": "heat",
           "heats": "heat", "qualification": "qualification", "q": "qualification"}


def check_header(header: list[str], path: str) -> None:
    """Every required column, each once, and no column we would ignore: a misspelt `athelte_id`
    or a second `athlete` column would otherwise drop or overwrite data in silence."""
    lacking = [c for c in REQUIRED if c not in header]
    if lacking:
        raise ImportFailed(path, 1, f"missing column(s): {', '.join(lacking)}")
    unknown = [c for c in header if c and c not in KNOWN]  # blank: a trailing comma, harmless
    if unknown:
        raise ImportFailed(path, 1, f"unknown column(s): {', '.join(unknown)} (known: {', '.join(KNOWN)})")
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise ImportFailed(path, 1, f"column(s) given twice: {', '.join(twice)}")


def read_csv(text: str, path: str) -> list[ResultRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    check_header(header, path)
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
    except RecursionError:  # "[[[[...": the decoder recurses per level
        raise ImportFailed(path, 1, "not valid JSON for an import: nested too deeply") from None
    if not isinstance(data, list):
        raise ImportFailed(path, 1, "expected a list of result objects")
    out = []
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            raise ImportFailed(path, i, "each item must be an object")
        missing = [c for c in REQUIRED if c not in obj]
        if missing:
            raise ImportFailed(path, i, f"item {i} lacks {', '.join(missing)}")
        unknown = [k for k in obj if k not in KNOWN]
        if unknown:
            raise ImportFailed(path, i, f"item {i} has unknown key(s): {', '.join(map(str, unknown))}")
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


def flags_of(raw: str) -> tuple[str, ...]:
    flags = tuple(raw.upper().split())
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise FieldError(f"unknown record flag(s): {' '.join(unknown)}")
    return flags


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
        flags = flags_of(get("flags", ""))
        return ResultRow(
            date=day, competition=need(get("competition", ""), "competition"), event=need(get("event", ""), "event"),
            gender=gender, athlete=need(get("athlete", ""), "athlete"), mark=need(get("mark", ""), "mark"),
            venue=get("venue", "").strip(), series=get("series", "").strip(), round=round_,
            race=count_of(get("race", ""), "race"), place=count_of(get("place", ""), "place"),
            country=get("country", "").strip().upper(), wind=wind, flags=flags,
            source=get("source", "").strip(), athlete_id=get("athlete_id", "").strip(), line=line)
    except FieldError as exc:
        raise ImportFailed(path, line, str(exc)) from None


def write_csv(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(KNOWN))
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue()
