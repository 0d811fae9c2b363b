"""Pass one of a CSV import: each chunk of rows becomes compact columns.

Per row only lookups run, in C, over the chunk's columns: a row's raw values are looked up as a
spec (competition, date, event, race...), an athlete, a mark (event and mark) and a tail (place,
wind, flags, source). Only values not seen before are parsed and checked, by the field parsers
of `to_row` and by the Planner, so what is accepted, and the words for what is refused, are those
of the row-by-row path. So is the choice of message when a file has several problems: the first
row failing a field check wins; with none, the first row the planner refuses.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, compress, count, repeat
from operator import itemgetter, ne, not_, sub
from typing import Any, Callable, Iterator, Sequence, cast

from bot.domain.disciplines import discipline_or_custom
from bot.errors import ImportFailed
from bot.ingest.athlete_keys import AthleteKeys
from bot.ingest.csv_chunks import Chunk
from bot.ingest.interchange import (MAX_CHARS, FieldError, count_of, need, place_and_mark, split_flags, text_of, to_row,
                                    wind_of)
from bot.ingest.planner import Planner
from bot.ingest.rows import ResultRow
from bot.ingest.specs import SPEC_FIELDS, SpecTable
from bot.domain.marks import MarkError, parse_mark

_SPEC_KEY = ("competition", "venue", "date", "event", "gender", "round", "race")
_TAIL_KEY = ("place", "wind", "flags", "source")
_NOT_FINISHED = {"DNF", "DNS", "DQ", "DSQ"}  # marks a placed row cannot have
_ATHLETE_KEY = ("athlete", "country", "athlete_id")  # checked a whole column at a time
_SEP = "\0"  # joins event and mark into one key (one string hashes faster than a pair)

Column = Callable[[str], Sequence[str]]


class Refused:
    """A mark, or a place below 1, that every row holding it is refused for."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


@dataclass
class Columns:
    """A chunk's rows as they resolved, one entry per row; the tuples are shared between rows."""

    lines: Sequence[int]
    specs: list[int]  # positions in the SpecTable
    athletes: list[int]  # planner athlete ids
    marks: list[tuple[Any, ...]]  # (mark, value, status) as Planner.add parses them
    tails: list[tuple[Any, ...]]  # (place, wind, flags, note, source)


class ChunkResolver:
    def __init__(self, planner: Planner, specs: SpecTable, header: list[str], path: str) -> None:
        self.path = path
        self.specs = specs
        self.refusal: ImportFailed | None = None  # the planner's first; later rows only get field checks
        self.warnings: list[str] = []
        self._header = header
        self._at = {name: i for i, name in enumerate(header)}
        self._spec_fields = self._picker(*SPEC_FIELDS)
        self._mark_fields = self._picker("event", "mark")
        self._tail_fields = self._picker(*_TAIL_KEY)
        self._athletes = AthleteKeys(planner)
        self._marks: dict[str | tuple[Any, ...], tuple[Any, ...] | Refused] = {}
        self._tails: dict[tuple[Any, ...], tuple[Any, ...] | Refused] = {}
        self._strings: dict[str, str] = {}

    def resolve(self, chunk: Chunk) -> Columns | None:
        """The chunk's columns; None once the planner has refused a row (the import will fail)."""
        rows, lines, n = chunk.rows, chunk.lines, len(chunk.rows)
        col = self._columns(rows)
        if self._statuses_in_place(rows, lines, col):
            col = self._columns(rows)
        specs, bad = self._spec_ids(rows, lines, list(zip(*map(col, _SPEC_KEY))))
        names = col("athlete")
        mark_keys = list(map(_SEP.join, zip(col("event"), col("mark"))))
        marks = list(map(self._marks.get, mark_keys))
        tail_keys = list(zip(*map(col, _TAIL_KEY)))
        tails = list(map(self._tails.get, tail_keys))
        bad = min(bad, _first_blank(names), *(_first_unfit(col(c), MAX_CHARS[c]) for c in _ATHLETE_KEY),
                  self._check_marks(rows, mark_keys, marks), self._check_tails(rows, lines, tail_keys, tails))
        if bad < n:
            to_row(self._record(rows[bad]), self.path, lines[bad])  # raises, in to_row's words
            raise AssertionError(f"line {lines[bad]} failed a field check that to_row passes")
        if chunk.error:
            raise chunk.error
        if self.refusal:
            return None
        athletes = self._resolve_athletes(specs, lines, col, self._first_refused(names, lines, marks, tails))
        if len(athletes) < n:
            limit = len(athletes)
            lines, specs, marks, tails = lines[:limit], specs[:limit], marks[:limit], tails[:limit]
        # every mark and tail before `limit` passed its check: none is None or Refused
        return Columns(lines, specs, athletes, cast(list[tuple[Any, ...]], marks), cast(list[tuple[Any, ...]], tails))

    # --- field checks on values not seen before: each returns the first bad row, or len(rows) -----
    def _spec_ids(self, rows: list[list[str]], lines: Sequence[int],
                  keys: list[tuple[Any, ...]]) -> tuple[list[int], int]:
        """Spec ids, looked up once per run of equal keys (a race's rows usually come together)."""
        index = self.specs.index
        starts = list(compress(count(), map(ne, keys, chain((None,), keys))))
        run_keys = list(map(keys.__getitem__, starts))
        ids = list(map(index.get, run_keys))
        for r in nones(ids):
            found = index.get(run_keys[r])
            if found is None:
                # Kept for the whole file: its strings shared with other specs' (memory).
                key = tuple(map(self._strings.setdefault, run_keys[r], run_keys[r]))
                try:
                    found = self.specs.add(key, self._spec_fields(rows[starts[r]]), lines[starts[r]])
                except FieldError:
                    return [], starts[r]
            ids[r] = found
        lengths = map(sub, chain(starts[1:], (len(keys),)), starts)
        return list(chain.from_iterable(map(repeat, cast(list[int], ids), lengths))), len(keys)  # all found

    def _statuses_in_place(self, rows: list[list[str]], lines: Sequence[int], col: Column) -> bool:
        """'DNF' in place, '=3' for a tie: rewritten as the row path reads them (place_and_mark).
        Whether any row was; the distinct values decide first, so a plain chunk costs no row loop."""
        ip, im = self._at.get("place"), self._at.get("mark")
        if ip is None or im is None:
            return False
        odd = {p for p in set(col("place")) if p and not p.isdigit()}
        unfinished = {m for m in set(col("mark")) if m.strip().upper() in _NOT_FINISHED}
        if not odd and not unfinished:
            return False
        for i, row in enumerate(rows):
            place = row[ip] if len(row) > ip else ""
            if place and (place in odd or row[im] in unfinished):
                try:
                    row[ip], row[im] = place_and_mark(place, row[im])
                except FieldError:
                    to_row(self._record(row), self.path, lines[i])  # raises, in to_row's words
                except IndexError:
                    pass  # a short row: the field count check names it
        return True

    def _check_marks(self, rows: list[list[str]], keys: list[str], marks: list[Any]) -> int:
        for i in nones(marks):
            mark = self._marks.get(keys[i])
            if mark is None:
                try:
                    event, text = (need(v, c) for v, c in zip(self._mark_fields(rows[i]), ("event", "mark")))
                except FieldError:
                    return i
                try:
                    parsed = parse_mark(discipline_or_custom(event), text, strict=True)
                    mark = (parsed.text, parsed.value, parsed.status)
                except MarkError as exc:
                    mark = Refused(str(exc))
                if keys[i].count(_SEP) == 1:  # a NUL inside a field would make the key ambiguous
                    self._marks[keys[i]] = mark
            marks[i] = mark
        return len(rows)

    def _check_tails(self, rows: list[list[str]], lines: Sequence[int], keys: list[tuple[Any, ...]],
                     tails: list[Any]) -> int:
        for i in nones(tails):
            tail = self._tails.get(keys[i])
            if tail is None:
                place, wind, flags, source = self._tail_fields(rows[i])
                try:
                    # the note is '' because CSV rows are never annulled (see Planner.add)
                    flagged, note = split_flags(flags)
                    tail = (count_of(place, "place"), wind_of(wind), " ".join(flagged), note, text_of(source, "source"))
                except FieldError:
                    return i
                if note:
                    self.warnings.append(f"{self.path}, line {lines[i]}: '{note}' is not a record flag; kept as a note")
                if tail[0] is not None and tail[0] < 1:
                    tail = Refused(f"place {tail[0]} is not a place")
                self._tails[keys[i]] = tail
            tails[i] = tail
        return len(rows)

    # --- the planner's checks, in the order Planner.add makes them ---------------------------------
    def _first_refused(self, names: Sequence[str], lines: Sequence[int], marks: list[Any], tails: list[Any]) -> int:
        """The first row with a refused mark or place (in a row, the mark is checked first)."""
        at = min(_first(Refused, marks), _first(Refused, tails))
        if at < len(marks):
            mark, tail = marks[at], tails[at]
            self.refusal = ImportFailed(self.path, lines[at], f"{names[at].strip()}: {mark.reason}"
                                        if isinstance(mark, Refused) else tail.reason)
        return at

    def _resolve_athletes(self, specs: list[int], lines: Sequence[int], col: Column, limit: int) -> list[int]:
        """Athletes of the rows before `limit`, new ones resolved in file order; shorter when the
        planner refuses a row's athlete."""
        names, countries, ids = col("athlete"), col("country"), col("athlete_id")
        keys: Sequence[Any]
        if "athlete_id" in self._at and all(map(str.strip, ids)):
            keys, index = ids, cast(dict[Any, int], self._athletes.by_id)  # either table, keyed as `keys`
        else:
            keys, index = list(zip(names, countries, ids)), cast(dict[Any, int], self._athletes.by_name)
        athletes = list(map(index.get, keys[:limit] if limit < len(keys) else keys))
        for i in nones(athletes):
            aid = index.get(keys[i])
            if aid is None:
                # The row as to_row reads it, as far as the planner looks (its fields all passed).
                spec = self.specs.specs[specs[i]].row
                row = ResultRow(date=spec.date, competition=spec.competition, event=spec.event, gender=spec.gender,
                                athlete=names[i].strip(), mark="", country=countries[i].strip().upper(),
                                athlete_id=ids[i].strip(), line=lines[i])
                try:
                    aid, forgot = self._athletes.resolve(keys[i], row)
                except ImportFailed as exc:
                    self.refusal = exc
                    return cast(list[int], athletes[:i])  # resolved before i
                if forgot:  # later rows may hold a forgotten name-only answer: ask again
                    athletes[i + 1:] = map(index.get, keys[i + 1:len(athletes)])
            athletes[i] = aid
        return cast(list[int], athletes)  # every None resolved

    # --- helpers -----------------------------------------------------------------------------------
    def _columns(self, rows: list[list[str]]) -> Column:
        """The chunk transposed (one pass over the rows, kind to the CPU cache); '' for absent columns."""
        columns = list(zip(*rows))
        blank = ("",) * len(rows)
        return lambda name: columns[self._at[name]] if name in self._at and columns else blank

    def _picker(self, *columns: str) -> Callable[[list[str]], tuple[str, ...]]:
        """A row's raw values of `columns`, '' for those the file lacks."""
        at = [self._at.get(c) for c in columns]
        if None not in at:
            return itemgetter(*at)
        return lambda values: tuple(values[i] if i is not None else "" for i in at)

    def _record(self, values: list[str]) -> dict[str, str]:
        return dict(zip(self._header, values))


def nones(values: list[Any]) -> Iterator[int]:
    """Positions of None in `values`, found in C; the list may be filled in while iterating."""
    i = -1
    try:
        while True:
            i = values.index(None, i + 1)
            yield i
    except ValueError:
        return


def _first(kind: type, values: list[Any]) -> int:
    try:
        return list(map(type, values)).index(kind)
    except ValueError:
        return len(values)


def _first_unfit(values: Sequence[str], limit: int) -> int:
    """The first value longer than `limit` once stripped, or holding a NUL (text_of's refusals), or
    len(values); a length and a search in C when none is."""
    if max(map(len, values), default=0) <= limit and "\0" not in "".join(values):
        return len(values)
    return next((i for i, v in enumerate(values) if len(v.strip()) > limit or "\0" in v), len(values))


def _first_blank(values: Sequence[str]) -> int:
    """The first empty or all-space value (to_row's "'athlete' is empty"), or len(values)."""
    try:
        return list(map(not_, map(str.strip, values))).index(True)
    except ValueError:
        return len(values)
