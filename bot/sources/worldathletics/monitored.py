"""The World Athletics source wired to the store: one poll step, and the pieces `racebot sync`
and the generic poller (bot/announce/poller.py) share.

- `poll_worldathletics(source, store, now)`: poll, store the rows, record what was fetched (in
  the rows' own transaction when the store is the source's fetch state), add the followed
  calendar's competitions (for /next), and keep the source's health in the store (for /status
  and the admin alert).
- `MonitoredSource`: the same bookkeeping for a caller that stores rows itself (Poller).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.errors import ImportFailed
from bot.ingest.fixtures import import_calendar
from bot.ingest.importer import ImportReport, import_rows
from bot.sources.alerts import Alert, alerted, decide_alert
from bot.sources.health import HealthStore, SourceHealth
from bot.store import Store

from .source import PollBatch, WorldAthleticsSource
from .state import DayMark, FetchState

log = logging.getLogger(__name__)
AfterWrite = Callable[[list[int]], Awaitable[None]]
CALENDAR_PATH = "World Athletics calendar"


class WAStore(Store, FetchState, HealthStore, Protocol):
    def marks_writer(self, marks: Sequence[DayMark]) -> AfterWrite:
        """An `after` hook for Store.apply that records `marks` inside its transaction."""
        ...


@dataclass
class PollOutcome:
    source: str
    health: SourceHealth
    rows: int = 0
    report: ImportReport | None = None
    calendar_added: int = 0  # competitions added from the calendar
    errors: list[str] = field(default_factory=list)
    next_poll: datetime | None = None
    alert: Alert | None = None  # to send to the admin channel, with alert.key; already recorded as sent

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def data_changed(self) -> bool:
        """Whether the core's indexes should be reloaded (new athletes, meetings or results)."""
        s = self.report.summary if self.report else None
        return bool(self.calendar_added or (s and (s.athletes or s.competitions or s.races or s.results_added
                                                   or s.results_changed)))


async def poll_worldathletics(source: WorldAthleticsSource, store: WAStore, now: datetime, *,
                              alert_after: timedelta | None = None, after: AfterWrite | None = None) -> PollOutcome:
    """One poll, stored. Never raises for API trouble or rows the importer refuses: both are
    errors in the outcome and in the stored health. `alert_after`: decide the admin alert (None:
    no alerts). `after`: a further hook run inside the rows' transaction (when there are rows)."""
    await restore_health(source, store)
    batch = await source.poll(now)
    errors = list(batch.errors)
    report = None
    try:
        report = await store_batch(source, store, batch, f"{source.name} poll", after=after)
    except ImportFailed as exc:  # nothing stored, nothing marked: the same rows come back next poll
        errors.append(f"results not stored: {exc}")
        log.warning("World Athletics poll: %s", errors[-1])
        source.health.record_failure(now, errors[-1])
    added, alert = await after_stored(source, store, batch, now, alert_after=alert_after)
    return PollOutcome(source.name, source.health, len(batch.rows), report, added, errors, batch.next_poll, alert)


async def store_batch(source: WorldAthleticsSource, store: WAStore, batch: PollBatch, path: str, *,
                      after: AfterWrite | None = None) -> ImportReport | None:
    """Import the batch's rows, then record its fetch marks: in the same transaction when the
    store is the source's fetch state, so state never says 'fetched' for rows not stored."""
    if not batch.rows:
        await source.commit(batch)
        return None
    same = source.state is store
    hooks = [h for h in (store.marks_writer(batch.marks) if same else None, after) if h is not None]

    async def both(race_ids: list[int]) -> None:
        for hook in hooks:
            await hook(race_ids)

    report = await import_rows(store, batch.rows, path, strict=False, after=both if hooks else None)
    if not same:
        await source.commit(batch)
    return report


async def after_stored(source: WorldAthleticsSource, store: WAStore, batch: PollBatch, now: datetime, *,
                       alert_after: timedelta | None = None) -> tuple[int, Alert | None]:
    """Add followed calendar competitions, decide the alert, save the health. Returns (added, alert)."""
    fixtures = [e for e in batch.calendar_entries if source.follows(e)]
    added = await import_calendar(store, fixtures, CALENDAR_PATH) if fixtures else 0
    alert = decide_alert(now, source.health, alert_after) if alert_after is not None else None
    source.health = alerted(source.health, alert)  # stored before it is sent: never twice
    await store.save_source_health(source.health)
    return added, alert


async def restore_health(source: WorldAthleticsSource, store: HealthStore) -> None:
    """A new process carries on the stored health (a failing run, an alert already sent)."""
    if source.health.polled:
        return
    for stored in await store.source_health():
        if stored.name == source.name:
            stored.circuit = source.health.circuit
            source.health = stored


class MonitoredSource:
    """The source as bot.announce.poller.Poller sees it (name, poll, commit), keeping its health and
    calendar in the store; the Poller stores the rows and calls commit after."""

    def __init__(self, source: WorldAthleticsSource, store: WAStore, *, alert_after: timedelta | None = None,
                 on_alert: Callable[[Alert], Awaitable[None]] | None = None) -> None:
        self.source = source
        self.store = store
        self.alert_after = alert_after
        self.on_alert = on_alert
        self._now: datetime | None = None

    @property
    def name(self) -> str:
        return self.source.name

    async def poll(self, now: datetime) -> PollBatch:
        await restore_health(self.source, self.store)
        self._now = now
        return await self.source.poll(now)

    async def commit(self, batch: PollBatch) -> None:
        await self.source.commit(batch)
        assert self._now is not None, "commit() before poll()"
        _, alert = await after_stored(self.source, self.store, batch, self._now, alert_after=self.alert_after)
        if alert is not None and self.on_alert is not None:
            await self.on_alert(alert)

    async def aclose(self) -> None:
        await self.source.aclose()
