"""The distinct (competition, venue, date, event, gender, round, race) values of an import file.

Thousands of rows share each one, so it is parsed once, given its competition once, and, when it
names its race number, resolved to that race once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar, cast

from bot.domain.disciplines import discipline_or_custom
from bot.ingest.groups import GroupScan, group_key
from bot.ingest.interchange import FieldError, day_of, gender_of, need, race_of, round_of, text_of, wind_of
from bot.ingest.planner import Planner
from bot.ingest.rows import ResultRow

# The raw columns `add` reads: the spec's own, then the wind and series of the row that first has it.
SPEC_FIELDS = ("competition", "venue", "date", "event", "gender", "round", "race", "wind", "series", "venues")


@dataclass(slots=True)
class Spec:
    row: ResultRow  # the first row with these values: it creates the race, and names it in errors
    code: str  # the event's discipline code
    comp: int
    per_row: bool  # a numberless row shares its race key: races are chosen row by row


class SpecTable:
    def __init__(self, scan: GroupScan) -> None:
        self.index: dict[tuple[Any, ...], int] = {}  # raw field values -> spec id (a position in `specs`)
        self.specs: list[Spec] = []
        self.races: list[int | None] = []  # per spec: its race, once resolved (numbered specs only)
        self._scan = scan
        self._numberless: set[tuple[Any, ...]] = set()  # race keys some numberless row has
        self._parsed: dict[tuple[Callable[[str], object], str], object] = {}  # (parser, raw value) -> parsed

    def place(self, planner: Planner) -> list[int]:
        """Match every competition of the file to a known or new one, in the order the file first
        names them, as import_rows does. Returns the stored races that numberless rows might join
        by mark (choosing needs their results)."""
        for group in self._scan.groups.values():
            group.comp = planner.competition(group.row, group.start, group.end)
        wanted: set[int] = set()
        for raw in self._scan.numberless:
            try:
                row = self._row(*raw, race="", wind="", series="", line=0)
            except FieldError:
                continue  # a row the import proper refuses
            comp = self._comp(row)
            self._numberless.add(self._race_key(comp, row))
            wanted.update(planner.existing_races(row, comp))
        return sorted(wanted)

    def add(self, key: tuple[Any, ...], values: tuple[str, ...], line: int) -> int:
        """Register the spec `key` first seen on `line` (raw values in SPEC_FIELDS order); its id,
        or FieldError if a value is unusable."""
        competition, venue, day, event, gender, round_, race, wind, series, venues = values
        row = self._row(competition, venue, day, event, gender, round_, race=race, wind=wind, series=series,
                        line=line)
        row.venues = venues.strip()
        comp = self._comp(row)
        self.index[key] = len(self.specs)
        self.specs.append(Spec(row, self._parse(_code, row.event), comp,
                               self._race_key(comp, row) in self._numberless))
        self.races.append(None)
        return len(self.specs) - 1

    def _row(self, competition: str, venue: str, day: str, event: str, gender: str, round_: str, *,
             race: str, wind: str, series: str, line: int) -> ResultRow:
        return ResultRow(
            date=self._parse(day_of, day), competition=need(competition, "competition"), event=need(event, "event"),
            gender=self._parse(gender_of, gender), athlete="", mark="", venue=text_of(venue, "venue"),
            series=text_of(series, "series"),
            round=self._parse(round_of, round_), race=race_of(race), wind=wind_of(wind), line=line)

    def _comp(self, row: ResultRow) -> int:
        group = self._scan.groups.get(group_key(row.competition, row.venue, row.date))
        if group is None:
            raise AssertionError(f"line {row.line}: the first look at the file missed this competition")
        return group.comp

    def _race_key(self, comp: int, row: ResultRow) -> tuple[Any, ...]:
        return (comp, row.date, self._parse(_code, row.event), row.gender, row.round)

    def _parse(self, parser: Callable[[str], T], raw: str) -> T:
        found = self._parsed.get((parser, raw), _MISSING)
        if found is _MISSING:
            found = self._parsed[(parser, raw)] = parser(raw)
        return cast(T, found)  # cached under its parser: what that parser returned


_MISSING = object()
T = TypeVar("T")


def _code(event: str) -> str:
    return discipline_or_custom(event).code
