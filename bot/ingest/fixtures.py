"""Competitions from a source's calendar, before they have results: so /next can show them.

Each fixture is matched against the competitions we know by the planner's own rules (dates
within a few days, and the same city or a similar name), so a meeting added from the calendar is
the one its results join later, and a meeting we already have is not added twice.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from bot.ingest.planner import Planner
from bot.ingest.rows import ResultRow
from bot.store import Identities, Queries, Writes


class Fixture(Protocol):
    """A competition as a calendar lists it (bot.sources.worldathletics.CalendarEntry is one)."""

    # Read-only (properties): a frozen dataclass such as CalendarEntry fits.
    @property
    def name(self) -> str: ...

    @property
    def venue(self) -> str: ...

    @property
    def country(self) -> str: ...

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...

    @property
    def series(self) -> str: ...

    @property
    def category(self) -> str: ...


class CalendarStore(Queries, Writes, Protocol):
    """The known competitions are read, the new ones written."""


async def import_calendar(store: CalendarStore, fixtures: Iterable[Fixture], path: str) -> int:
    """Add the fixtures we do not know yet, in one transaction; returns how many were added."""
    fixtures = [f for f in fixtures if f.name.strip()]
    if not fixtures:
        return 0
    # Only competitions are planned: the other identities (athletes, races) can stay unloaded.
    planner = Planner(Identities([], {}, await store.competitions(), []), path)
    for f in sorted(fixtures, key=lambda f: (f.start, f.name)):
        # The planner reads a competition off a result row: hand it one that only names the meeting.
        row = ResultRow(date=f.start, competition=f.name, event="", gender="", athlete="", mark="",
                        venue=f.venue, series=f.series, category=f.category,
                        extra={"competition_country": f.country})
        planner.competition(row, f.start, f.end)
    if not planner.plan.competitions:
        return 0
    async with store.write() as tx:
        return (await tx.apply(planner.plan)).competitions
