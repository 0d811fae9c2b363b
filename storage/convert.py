"""Store rows -> core models, for SQLite and PostgreSQL alike. Column lists live beside their
converters so they stay in step."""
from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from bot.domain.disciplines import discipline
from bot.domain.models import Athlete, Competition, Performance, Race, RaceResults, Result
from bot.store import StatedBest

ATHLETE_COLS = "a.id, a.name, a.given, a.family, a.country, a.gender, a.birth_year, a.birth_date"
COMPETITION_COLS = "c.id, c.name, c.venue, c.country, c.start_date, c.end_date, c.series, c.category"
RACE_COLS = "r.id, r.competition_id, r.event, r.gender, r.round, r.race_no, r.day, r.wind, r.label"
RESULT_COLS = "{t}.race_id, {t}.athlete_id, {t}.place, {t}.mark, {t}.value, {t}.status, {t}.wind, {t}.flags, {t}.note"


def result_cols(alias: str) -> str:
    return RESULT_COLS.format(t=alias)


# An SQLite row: its columns in the SELECT's order.
Row = Sequence[Any]


@lru_cache(maxsize=16_384)  # a store has a few thousand distinct days; a reply converts dozens
def _date(text: str) -> date:
    return date.fromisoformat(text)


def _day(text: str | None) -> date | None:
    return _date(text) if text else None


def athlete(row: Row, at: int = 0) -> Athlete:
    i, name, given, family, country, gender, by, bd = row[at:at + 8]
    # Interned: the athlete index holds every athlete, and a few hundred codes and many given
    # names and surnames repeat across them.
    return Athlete(i, name, sys.intern(given), sys.intern(family), sys.intern(country), sys.intern(gender), by,
                   _day(bd))


def competition(row: Row, at: int = 0) -> Competition:
    return _competition(row[at:at + 8])


@lru_cache(maxsize=4096)  # keyed by every column, so an edited competition is a new entry
def _competition(values: tuple[Any, ...]) -> Competition:
    i, name, venue, country, start, end, series, category = values
    # Tens of thousands of competitions (the bundled careers) share few venues, series and
    # countries, and a meeting's name repeats every season: one string each, not one per row.
    return Competition(i, sys.intern(name), sys.intern(venue), sys.intern(country), _date(start), _date(end),
                       sys.intern(series), sys.intern(category))


def race(row: Row, at: int = 0) -> Race:
    i, comp, event, gender, rnd, no, day, wind, label = row[at:at + 9]
    return Race(i, comp, event, gender, rnd, no, _date(day), wind, label)


def result(row: Row, at: int = 0) -> Result:
    race_id, athlete_id, place, mark, value, status, wind, flags, note = row[at:at + 9]
    return Result(race_id, athlete_id, place, mark, value, status, wind, tuple(flags.split()), note)


WIDTH = {"athlete": 8, "competition": 8, "race": 9, "result": 9}


# One race's results in finishing order, each row RACE_COLS, COMPETITION_COLS, result_cols, ATHLETE_COLS, partial.
RACE_RESULT_COLS = f"{RACE_COLS}, {COMPETITION_COLS}, {result_cols('res')}, {ATHLETE_COLS}, r.partial"


def race_results(rows: Iterable[Row]) -> list[RaceResults]:
    """Rows of RACE_RESULT_COLS, ordered by race, as one RaceResults per race."""
    grouped: dict[int, list[tuple[Result, Athlete]]] = defaultdict(list)
    heads: dict[int, tuple[Race, Competition, bool]] = {}
    for row in rows:
        r = race(row)
        heads.setdefault(r.id, (r, competition(row, 9), bool(row[34])))
        grouped[r.id].append((result(row, 17), athlete(row, 26)))
    return [RaceResults(heads[i][0], heads[i][1], tuple(v), heads[i][2]) for i, v in grouped.items()]


PERFORMANCE_COLS = f"{ATHLETE_COLS}, {result_cols('res')}, {RACE_COLS}, {COMPETITION_COLS}"


def performance(row: Row) -> Performance:
    return Performance(athlete(row), result(row, 8), race(row, 17), competition(row, 26))


def best_per_athlete(performances: Iterable[Performance], limit: int) -> list[Performance]:
    """Performances best first -> each athlete's best, at most `limit` athletes."""
    best: dict[int, Performance] = {}
    for p in performances:
        best.setdefault(p.athlete.id, p)
        if len(best) >= limit:
            break
    return list(best.values())


STATED_BEST_COLS = "event, indoor, mark, value, day, competition, source"


def stated_bests(athlete_id: int, rows: Iterable[Row]) -> list[StatedBest]:
    return [StatedBest(athlete_id, event, bool(indoor), mark, value, _day(day), comp, source,
                       discipline(event).higher_is_better)
            for event, indoor, mark, value, day, comp, source in rows]
