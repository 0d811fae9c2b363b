"""A quick first look at a CSV file: its competitions, before any of its rows are imported.

Rows join a known competition by the competition's first and last day in the file, and a
numberless row may join one of several races by mark; both depend on rows anywhere in the file.
Knowing them first lets the import write as it reads. This pass reads only what decides them
(competition, venue, date, series; event, gender, round and race of numberless rows), splitting
lines itself while the file has no quote character, since then every line is one record and the
fields are the text between commas, as csv.reader would read them (the file is read with
universal newlines, so every line ends in a bare newline).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from itertools import chain, compress, count, islice
from operator import itemgetter, methodcaller, ne
from typing import Any, Callable, Iterable, Iterator, TextIO

from bot.ingest.interchange import FieldError, day_of, need, race_of
from bot.ingest.rows import ResultRow
from bot.search.names import fold

_LINES = 4096
_BLOCK = 1 << 16  # characters read at a time: small enough to stay in the CPU cache
GROUP_FIELDS = ("competition", "venue", "date", "series")
NUMBERLESS_FIELDS = ("competition", "venue", "date", "event", "gender", "round")


@dataclass(slots=True)
class Group:
    """One competition's rows in one year: what the planner matches against known competitions."""

    row: ResultRow  # the group's first row, which names the competition
    start: date
    end: date
    last: int = 0  # the number of its last row (counting the file's rows from 0)
    comp: int = 0


def group_key(competition: str, venue: str, day: date) -> tuple[Any, ...]:
    """How import_rows groups rows into competitions."""
    return (fold(competition.strip()), fold(venue.strip()), day.year)


class GroupScan:
    def __init__(self, header: list[str]) -> None:
        at = {name: i for i, name in enumerate(header)}
        self.width = len(header)
        self.groups: dict[tuple[Any, ...], Group] = {}  # in the order the file first names them
        self.numberless: set[tuple[Any, ...]] = set()  # raw NUMBERLESS_FIELDS of rows without a race number
        self._group_of = _picker(at, GROUP_FIELDS)
        self._numberless_of = _picker(at, NUMBERLESS_FIELDS)
        self._race = itemgetter(at["race"]) if "race" in at else None
        self._deepest = max(at.get(c, 0) for c in GROUP_FIELDS + NUMBERLESS_FIELDS + ("race",))
        self._days: dict[str, date | None] = {}
        self._numbered: dict[str, bool] = {}
        self._rows = 0

    def read(self, text: TextIO) -> "GroupScan":
        """`text`: the file after its header record."""
        split = methodcaller("split", ",", self._deepest + 1)
        while block := text.read(_BLOCK):
            if not block.endswith("\n"):
                block += text.readline()
            if '"' in block:  # quoted fields (maybe over several lines): csv reads the rest
                for rows in _batches(csv.reader(chain(io.StringIO(block), text))):
                    self._add(rows)
                return self
            lines = block.split("\n")
            if block.endswith("\n"):
                lines.pop()  # after the last newline; without one, the file's last line is a record
            self._add(list(map(split, lines)))
        return self

    def _add(self, rows: list[list[str]]) -> None:
        if rows and min(map(len, rows)) <= self._deepest:  # blank or malformed: the import proper decides
            rows = [r for r in rows if len(r) > self._deepest]
        keys = list(map(self._group_of, rows))
        starts = list(compress(count(), map(ne, keys, chain((None,), keys))))  # a competition's rows come together
        for start, end in zip(starts, chain(starts[1:], (len(keys),))):
            self._group(*keys[start], last=self._rows + end - 1)
        self._rows += len(rows)
        if self._race is not None:
            races = list(map(self._race, rows))
            for race in set(races).difference(self._numbered):
                try:
                    self._numbered[race] = race_of(race) is not None
                except FieldError:
                    self._numbered[race] = True  # refused by the import proper
            if not all(map(self._numbered.__getitem__, races)):
                self.numberless.update(map(self._numberless_of, compress(
                    rows, map(_not_numbered(self._numbered), races))))
        else:
            self.numberless.update(map(self._numberless_of, rows))

    def _group(self, competition: str, venue: str, day_text: str, series: str, *, last: int) -> None:
        if day_text in self._days:
            day = self._days[day_text]
        else:
            try:
                day = self._days[day_text] = day_of(day_text)
            except FieldError:
                day = self._days[day_text] = None
        try:
            name = need(competition, "competition")
        except FieldError:
            return
        if day is None:
            return
        key = group_key(name, venue, day)
        found = self.groups.get(key)
        if found is None:
            row = ResultRow(date=day, competition=name, event="", gender="", athlete="", mark="",
                            venue=venue.strip(), series=series.strip())
            self.groups[key] = Group(row, day, day, last)
            return
        found.last = last
        if day < found.start:
            found.start = day
        elif day > found.end:
            found.end = day


def _picker(at: dict[str, int], columns: tuple[str, ...]) -> Callable[[list[str]], Any]:
    idx = [at.get(c) for c in columns]
    if None not in idx:
        return itemgetter(*idx)
    return lambda values: tuple(values[i] if i is not None else "" for i in idx)


def _not_numbered(numbered: dict[str, bool]) -> Callable[[str], bool]:
    return lambda race: not numbered[race]


def _batches(rows: Iterable[list[str]], size: int = _LINES) -> Iterator[list[list[str]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield [r for r in batch if r]

