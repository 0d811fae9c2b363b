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


def _int(value: str, what: str, path: str, line: int) -> int | None:
    value = value.strip().rstrip(".")
    if not value:
        return None
    if not value.isdigit():
        raise ImportFailed(path, line, f"{what} '{value}' is not a whole number")
    return int(value)


def to_row(rec: dict[str, str], path: str, line: int) -> ResultRow:
    def need(col: str) -> str:
        value = rec.get(col, "").strip()
        if not value:
            raise ImportFailed(path, line, f"'{col}' is empty")
        return value

    try:
        day = date.fromisoformat(need("date"))
    except ValueError:
        raise ImportFailed(path, line, f"date '{rec['date']}' is not YYYY-MM-DD") from None
    gender = parse_gender(need("gender"))
    if gender is None:
        raise ImportFailed(path, line, f"gender '{rec['gender']}' is not M or W")
    round_text = rec.get("round", "").strip().lower() or "final"
    if round_text not in _ROUNDS:
        raise ImportFailed(path, line, f"round '{rec['round']}' is not final, semi-final or heat")
    wind = rec.get("wind", "").strip()
    try:
        wind_value = float(wind) if wind else None
    except ValueError:
        raise ImportFailed(path, line, f"wind '{wind}' is not a number like +0.4") from None
    flags = tuple(rec.get("flags", "").upper().split())
    unknown = [f for f in flags if f not in FLAGS]
    if unknown:
        raise ImportFailed(path, line, f"unknown record flag(s): {' '.join(unknown)}")
    return ResultRow(
        date=day, competition=need("competition"), event=need("event"), gender=gender,
        athlete=need("athlete"), mark=need("mark"), venue=rec.get("venue", "").strip(),
        series=rec.get("series", "").strip(), round=_ROUNDS[round_text],
        race=_int(rec.get("race", ""), "race", path, line), place=_int(rec.get("place", ""), "place", path, line),
        country=rec.get("country", "").strip().upper(), wind=wind_value, flags=flags,
        source=rec.get("source", "").strip(), athlete_id=rec.get("athlete_id", "").strip(), line=line)


def write_csv(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(KNOWN))
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue()
