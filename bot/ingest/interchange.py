"""The CSV interchange format (DESIGN.md), and JSON lists of the same fields."""
from __future__ import annotations

import csv
import io
import json
import math
from datetime import date
from typing import Iterable

from bot.domain.gender import parse_gender
from bot.domain.periods import FIRST_YEAR, LAST_YEAR
from bot.errors import ImportFailed
from bot.ingest.rows import ResultRow

REQUIRED = ("date", "competition", "event", "gender", "athlete", "mark")
KNOWN = REQUIRED + ("venue", "series", "round", "race", "place", "country", "wind", "flags", "source",
                    "athlete_id", "venues")
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
    plain = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    next(plain)
    width = len(header)
    rows = []
    last = plain.line_num
    try:
        for values in plain:
            if values and len(values) != width:
                raise ImportFailed(path, plain.line_num, f"expected {width} fields, found {len(values)}")
            if values:
                rows.append(to_row(dict(zip(header, values)), path, plain.line_num))
            last = plain.line_num
    except csv.Error as exc:
        raise malformed(path, last + 1, exc) from None
    return rows


def malformed(path: str, line: int, exc: csv.Error) -> ImportFailed:
    """csv.reader's strict complaint, in words for people; `line` is where the record starts."""
    if "unexpected end of data" in str(exc):
        return ImportFailed(path, line, "a quote opened here is never closed: is the file cut short?")
    return ImportFailed(path, line, f"not valid CSV here ({exc}): put fields holding quotes in quotes, "
                                    'with each quote doubled ("")')


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


# What a field may hold: longer is a mistake (or an attack: a 200,000-character name once went
# through to every renderer), and a NUL is never part of a name or a place.
MAX_CHARS = {"athlete": 100, "competition": 200, "venue": 200, "series": 200, "event": 100, "mark": 50,
             "country": 50, "source": 2000, "athlete_id": 100, "venues": 200, "flags": 200}
_OTHER_MAX = 100
_SHOWN = 40  # characters of a bad value quoted back in a message


def shown(value: str) -> str:
    """A value quoted in an error message: clipped, so a huge field never makes a huge message."""
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "\u2026"


# One parser per field, shared by `to_row` and the columnar CSV path (bot.ingest.columns),
# so a value is accepted or refused with the same words whichever path reads it.
def text_of(value: str, col: str) -> str:
    """An optional free-text field, stripped; refused when too long or holding a NUL."""
    value = value.strip()
    limit = MAX_CHARS.get(col, _OTHER_MAX)
    if len(value) > limit:
        raise FieldError(f"'{col}' is {len(value):,} characters long; at most {limit}")
    if "\0" in value:
        raise FieldError(f"'{col}' holds a NUL character")
    return value


def need(value: str, col: str) -> str:
    value = text_of(value, col)
    if not value:
        raise FieldError(f"'{col}' is empty")
    return value


def day_of(raw: str) -> date:
    try:
        day = date.fromisoformat(need(raw, "date"))
    except ValueError as exc:
        if isinstance(exc, FieldError):
            raise
        raise FieldError(f"date '{shown(raw)}' is not YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise FieldError(f"date '{shown(raw)}' is not between {FIRST_YEAR} and {LAST_YEAR}")
    return day


def gender_of(raw: str) -> str:
    gender = parse_gender(need(raw, "gender"))
    if gender is None:
        raise FieldError(f"gender '{shown(raw)}' is not M or W")
    return gender


def round_of(raw: str) -> str:
    text = raw.strip().lower() or "final"
    if text not in _ROUNDS:
        raise FieldError(f"round '{shown(raw)}' is not final, semi-final or heat")
    return _ROUNDS[text]


def wind_of(raw: str) -> float | None:
    wind = raw.strip()
    if not wind:
        return None
    try:
        value = float(wind) if wind.isascii() else math.nan  # float() reads other scripts' digits too
        if not math.isfinite(value):  # 'nan', 'inf', '1e999'
            raise ValueError
        return value
    except ValueError:
        raise FieldError(f"wind '{shown(wind)}' is not a number like +0.4") from None


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
    if len(value) == 1 and "A" <= value.upper() <= "H":
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
    # ASCII only: str.isdigit() is also true of '²' and '٣', which int() refuses or misreads as ours
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise FieldError(f"{what} '{shown(value)}' is not a whole number (digits 0-9)")
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
            venue=text_of(get("venue", ""), "venue"), series=text_of(get("series", ""), "series"), round=round_,
            race=race_of(get("race", "")), place=count_of(place, "place"), note=note,
            country=text_of(get("country", ""), "country").upper(), wind=wind, flags=flags,
            source=text_of(get("source", ""), "source"), athlete_id=text_of(get("athlete_id", ""), "athlete_id"),
            venues=text_of(get("venues", ""), "venues"), line=line, extra={"unknown_flags": note} if note else {})
    except FieldError as exc:
        raise ImportFailed(path, line, str(exc)) from None


def write_csv(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(KNOWN))
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue()
