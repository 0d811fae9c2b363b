"""Validation of API answers before anything is mapped: the shape we rely on, nothing more.

Each check returns the operation's root value or raises PayloadInvalid naming the first path
that is wrong. Fields we do not read are not checked, so harmless schema growth passes.
"""
from __future__ import annotations

import json
from typing import Any

from . import queries as q
from .errors import PayloadInvalid

_NUMBER = (int, float)


class _Checker:
    def __init__(self, operation: str, payload: Any) -> None:
        self.operation = operation
        self.payload = payload

    def fail(self, path: str, expected: str) -> PayloadInvalid:
        return PayloadInvalid(self.operation, f"{path} should be {expected}", sample(self.payload))

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "an object")
        return value

    def optional_obj(self, value: Any, path: str) -> dict[str, Any] | None:
        return None if value is None else self.obj(value, path)

    def items(self, value: Any, path: str) -> list[Any]:
        """A list (null counts as empty, as the API sends for 'nothing yet')."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, "a list")
        return value

    def field(self, parent: dict[str, Any], key: str, path: str, types: tuple[type, ...], *,
              nullable: bool = True) -> Any:
        value = parent.get(key)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, types):
            names = "/".join(t.__name__ for t in types)
            raise self.fail(f"{path}.{key}", names + ("" if not nullable else " or null"))
        return value


def sample(payload: Any, limit: int = 200) -> str:
    """A short, single-line excerpt for the log."""
    try:
        text = json.dumps(payload, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(payload)
    return text if len(text) <= limit else text[:limit] + "..."


def root(operation: str, data: Any, key: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise PayloadInvalid(operation, f"data.{key} is missing", sample(data))
    return data[key]


def calendar_events(data: Any) -> dict[str, Any]:
    c = _Checker(q.CALENDAR_EVENTS, data)
    page = c.obj(root(q.CALENDAR_EVENTS, data, "getCalendarEvents"), "getCalendarEvents")
    c.field(page, "hits", "getCalendarEvents", (int,))
    for i, item in enumerate(c.items(page.get("results"), "results")):
        path = f"results[{i}]"
        item = c.obj(item, path)
        c.field(item, "id", path, (int,), nullable=False)
        c.field(item, "name", path, (str,), nullable=False)
        c.field(item, "startDate", path, (str,), nullable=False)
        for key in ("endDate", "venue", "competitionGroup", "rankingCategory"):
            c.field(item, key, path, (str,))
    return page


def competition_results(data: Any) -> dict[str, Any] | None:
    """None when the competition has no results (the API answers null)."""
    c = _Checker(q.COMPETITION_RESULTS, data)
    page = c.optional_obj(root(q.COMPETITION_RESULTS, data, "getCalendarCompetitionResults"),
                          "getCalendarCompetitionResults")
    if page is None:
        return None
    c.optional_obj(page.get("competition"), "competition")
    for t, title in enumerate(c.items(page.get("eventTitles"), "eventTitles")):
        title = c.obj(title, f"eventTitles[{t}]")
        for e, event in enumerate(c.items(title.get("events"), f"eventTitles[{t}].events")):
            path = f"eventTitles[{t}].events[{e}]"
            event = c.obj(event, path)
            c.field(event, "eventId", path, (int,), nullable=False)
            c.field(event, "event", path, (str,), nullable=False)
            for r, race in enumerate(c.items(event.get("races"), f"{path}.races")):
                rpath = f"{path}.races[{r}]"
                race = c.obj(race, rpath)
                c.field(race, "raceNumber", rpath, (int,))
                c.field(race, "wind", rpath, (str, *_NUMBER))
                for n, result in enumerate(c.items(race.get("results"), f"{rpath}.results")):
                    npath = f"{rpath}.results[{n}]"
                    result = c.obj(result, npath)
                    c.obj(result.get("competitor"), f"{npath}.competitor")
                    for key in ("mark", "place", "records", "nationality", "remark"):
                        c.field(result, key, npath, (str,))
    options = c.optional_obj(page.get("options"), "options") or {}
    for d, day in enumerate(c.items(options.get("days"), "options.days")):
        c.field(c.obj(day, f"options.days[{d}]"), "day", f"options.days[{d}]", (int,), nullable=False)
    return page


def search_competitors(data: Any) -> list[dict[str, Any]]:
    c = _Checker(q.SEARCH_COMPETITORS, data)
    found = c.items(root(q.SEARCH_COMPETITORS, data, "searchCompetitors"), "searchCompetitors")
    for i, item in enumerate(found):
        item = c.obj(item, f"searchCompetitors[{i}]")
        c.field(item, "aaAthleteId", f"searchCompetitors[{i}]", (str, int), nullable=False)
    return found


def competitor(data: Any) -> dict[str, Any] | None:
    c = _Checker(q.COMPETITOR, data)
    single = c.optional_obj(root(q.COMPETITOR, data, "getSingleCompetitor"), "getSingleCompetitor")
    return None if single is None else c.optional_obj(single.get("basicData"), "basicData")


def competitor_results(data: Any) -> list[dict[str, Any]]:
    c = _Checker(q.COMPETITOR_RESULTS, data)
    page = c.optional_obj(root(q.COMPETITOR_RESULTS, data, "getSingleCompetitorResultsDate"),
                          "getSingleCompetitorResultsDate")
    rows = c.items((page or {}).get("resultsByDate"), "resultsByDate")
    for i, item in enumerate(rows):
        path = f"resultsByDate[{i}]"
        item = c.obj(item, path)
        c.field(item, "date", path, (str,), nullable=False)
        c.field(item, "mark", path, (str,))
    return rows
