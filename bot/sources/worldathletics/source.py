"""WorldAthleticsSource: calendar, incremental polling, backfill and look-ups over the WA API.

poll(now) is a pure step for the scheduler: it reads the fetch state, asks the API only for
what may have changed (a live competition's current day; a finished competition's days until
they are settled), and returns a PollBatch. The caller stores `batch.rows`, then records
`batch.marks` (source.commit(batch) or the store, in the same transaction): state advances only
for what was stored, so an interrupted sync resumes where it stopped.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import httpx

from bot.ingest.rows import ResultRow

from . import mapping, profiles
from .calendar import CalendarEntry, calendar_entries
from .client import WAClient
from .errors import Unavailable, WAError
from bot.sources.health import SourceHealth
from .resilience import Clock, Sleep
from .settings import WASettings
from bot.sources.state import DayMark, FetchKey, FetchState

log = logging.getLogger(__name__)
_MAX_CALENDAR_PAGES = 50


@dataclass
class PollBatch:
    rows: list[ResultRow] = field(default_factory=list)
    calendar_entries: list[CalendarEntry] = field(default_factory=list)  # only when the calendar was refreshed
    changed_keys: list[FetchKey] = field(default_factory=list)
    marks: list[DayMark] = field(default_factory=list)  # record these once the rows are stored
    errors: list[str] = field(default_factory=list)
    next_poll: datetime | None = None

    @property
    def complete(self) -> bool:
        return not self.errors


class WorldAthleticsSource:
    name = "worldathletics"

    def __init__(self, settings: WASettings, state: FetchState, *, http: httpx.AsyncClient | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.settings = settings
        self.state = state
        self.client = WAClient(settings, http=http, clock=clock, sleep=sleep)
        self.health = SourceHealth(self.name)
        self._entries: dict[int, CalendarEntry] = {}
        self._calendar_at: datetime | None = None

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> "WorldAthleticsSource":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- calendar -------------------------------------------------------------------------
    async def calendar(self, start: date, end: date, *, page_size: int = 500) -> list[CalendarEntry]:
        """Every competition between start and end (all pages); remembered for poll()."""
        found: list[CalendarEntry] = []
        offset = 0
        for _ in range(_MAX_CALENDAR_PAGES):
            page = await self.client.calendar_events(start, end, offset=offset, limit=page_size)
            results = page.get("results") or []
            found.extend(calendar_entries(page))
            offset += len(results)
            if not results or offset >= (page.get("hits") or 0):
                break
        self._entries.update((e.competition_id, e) for e in found)
        return found

    def follows(self, entry: CalendarEntry) -> bool:
        return not entry.cancelled and (entry.series in self.settings.series
                                        or entry.competition_id in self.settings.competitions)

    # --- polling --------------------------------------------------------------------------
    async def poll(self, now: datetime) -> PollBatch:
        """One scheduler step. Never raises for API trouble: errors land in batch.errors and health."""
        batch = PollBatch()
        today = now.date()
        try:
            if self._calendar_due(now):
                await self._refresh_calendar(now, batch)
            for entry in self._in_window(today):
                for day, settle in await self._days_due(entry, today):
                    await self._fetch_day(entry, day, settle, batch)
        except Unavailable as exc:  # the API is down: stop asking, keep what completed
            batch.errors.append(str(exc))
        self._finish(batch, now)
        return batch

    async def _refresh_calendar(self, now: datetime, batch: PollBatch) -> None:
        """A calendar that cannot be read leaves the known one in place (it is retried next poll)."""
        s, today = self.settings, now.date()
        try:
            batch.calendar_entries = await self.calendar(today - timedelta(days=s.lookback_days),
                                                         today + timedelta(days=s.lookahead_days))
            self._calendar_at = now
        except Unavailable:
            raise
        except WAError as exc:
            batch.errors.append(f"calendar: {exc}")

    async def commit(self, batch: PollBatch) -> None:
        """Record what the batch fetched; call after its rows are stored."""
        await self.state.record(batch.marks)

    async def backfill(self, entries: Iterable[CalendarEntry], now: datetime) -> AsyncIterator[PollBatch]:
        """For `racebot sync`: one batch per competition, skipping settled days. Commit each batch
        after storing it; a rerun after an interruption fetches only what was not committed."""
        today = now.date()
        for entry in entries:
            if entry.cancelled or entry.start > today:
                continue
            batch = PollBatch()
            settle = today > entry.end + timedelta(days=self.settings.settle_days)
            days = list(range(1, entry.days + 1))
            try:
                while days:
                    day = days.pop(0)
                    if not await self.state.is_settled(entry.competition_id, day):
                        offered = await self._fetch_day(entry, day, settle, batch)
                        days = [d for d in days if d in offered] if offered else days
            except Unavailable as exc:
                batch.errors.append(str(exc))
                yield batch
                return
            yield batch

    def _in_window(self, today: date) -> list[CalendarEntry]:
        """Followed competitions near today (the calendar cache may hold a whole season)."""
        first = today - timedelta(days=self.settings.lookback_days)
        last = today + timedelta(days=self.settings.lookahead_days)
        near = [e for e in self._entries.values() if self.follows(e) and e.end >= first and e.start <= last]
        return sorted(near, key=lambda e: (e.start, e.competition_id))

    async def _days_due(self, entry: CalendarEntry, today: date) -> list[tuple[int, bool]]:
        """(day, settle) pairs to fetch: the current day while live, unsettled days once over."""
        if today < entry.start:
            return []
        live_day = entry.day_of(today)
        if live_day is not None:
            return [(live_day, False)]
        settle = today > entry.end + timedelta(days=self.settings.settle_days)
        return [(day, settle) for day in range(1, entry.days + 1)
                if not await self.state.is_settled(entry.competition_id, day)]

    async def _fetch_day(self, entry: CalendarEntry, day: int, settle: bool, batch: PollBatch) -> list[int]:
        """Fetch one day into the batch; returns the days the API offers. Unavailable propagates,
        other errors are recorded and change nothing."""
        cid = entry.competition_id
        try:
            page = await self.client.competition_results(cid, day)
        except Unavailable:
            raise
        except WAError as exc:
            batch.errors.append(f"{entry.name} day {day}: {exc}")
            return []
        known = await self.state.digests(cid, day)
        fresh: dict[int, str] = {}
        for unit in mapping.event_results(page, entry, day) if page else []:
            if known.get(unit.event_id) != unit.digest:
                fresh[unit.event_id] = unit.digest
                batch.rows.extend(unit.rows)
                batch.changed_keys.append(FetchKey(cid, day, unit.event_id))
        if fresh or settle:
            batch.marks.append(DayMark(cid, day, fresh, settled=settle))
        return mapping.days_of(page) if page else []

    def _calendar_due(self, now: datetime) -> bool:
        refresh = timedelta(minutes=self.settings.calendar_refresh_minutes)
        return self._calendar_at is None or now - self._calendar_at >= refresh

    def _finish(self, batch: PollBatch, now: datetime) -> None:
        today = now.date()
        live = any(e.start <= today <= e.end for e in self._in_window(today))
        seconds = self.settings.live_poll_seconds if live else self.settings.idle_poll_seconds
        batch.next_poll = now + timedelta(seconds=seconds)
        if batch.errors:
            for error in batch.errors:  # a repeat of the last poll's error is not news: keep logs calm
                log.log(logging.DEBUG if error == self.health.last_error else logging.WARNING,
                        "World Athletics poll: %s", error)
            self.health.record_failure(now, batch.errors[-1])
        else:
            self.health.record_success(now)
        self.health.next_poll = batch.next_poll
        self.health.circuit = self.client.breaker.state

    # --- look-ups -------------------------------------------------------------------------
    async def competition_results(self, competition_id: int) -> list[ResultRow]:
        """Every result of a competition, all days (no state involved)."""
        first = await self.client.competition_results(competition_id)
        entry = mapping.entry_from_results(competition_id, first or {}, self._entries.get(competition_id))
        if first is None or entry is None:
            return []
        first_day = (first.get("parameters") or {}).get("day") or 1
        rows = [r for unit in mapping.event_results(first, entry, first_day) for r in unit.rows]
        for day in mapping.days_of(first):
            if day != first_day:
                page = await self.client.competition_results(competition_id, day)
                rows += [r for unit in mapping.event_results(page or {}, entry, day) for r in unit.rows]
        return rows

    async def search_competitors(self, name: str) -> list[profiles.Competitor]:
        return [profiles.competitor(item) for item in await self.client.search_competitors(name)]

    async def athlete_season(self, wa_id: int | str, season: int) -> list[ResultRow]:
        """One athlete's results in one season, to backfill a rivalry's history."""
        basic = await self.client.competitor(int(wa_id)) or {}
        results = await self.client.competitor_results(int(wa_id), season)
        return [r for r in profiles.season_rows(basic, results, int(wa_id)) if r.date.year == season]
