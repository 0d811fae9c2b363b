"""The World Athletics source wired to the store: what the generic poller (bot/announce/poller.py)
and `racebot sync` share.

- `MonitoredSource`: the source as the Poller sees it, keeping the fetch state's marks, the
  followed calendar's competitions (for /next) and the source's health in the store (for /status
  and the admin alert); the Poller stores the rows.
- `store_batch`: store a batch's rows, its corrections and what was fetched, in one unit of work
  when the store is the source's fetch state (`racebot sync`).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Protocol

from bot.announce.diff import record_corrections
from bot.ingest.fixtures import CalendarStore, import_calendar
from bot.ingest.importer import CpuBound, ImportReport, plan_rows
from bot.sources.alerts import Alert, alerted, decide_alert
from bot.sources.health import HealthStore
from bot.sources.state import SourceState

from .source import PollBatch, WorldAthleticsSource

CALENDAR_PATH = "World Athletics calendar"


class WAStore(CalendarStore, SourceState, Protocol):
    """Results and the calendar written, the source's fetch state and health kept."""


async def store_batch(source: WorldAthleticsSource, store: WAStore, batch: PollBatch, path: str, now: datetime, *,
                      cpu_bound: CpuBound = nullcontext) -> ImportReport | None:
    """Import the batch's rows as history, not news (a backfill: only corrections are announced),
    then record its fetch marks: in the same unit of work when the store is the source's fetch
    state, so state never says 'fetched' for rows not stored."""
    if not batch.rows:
        await source.commit(batch)
        return None
    same = source.state is store
    planned = await plan_rows(store, batch.rows, path, strict=False, cpu_bound=cpu_bound)
    async with store.write() as tx:
        report = await planned.write(tx)
        await record_corrections(tx, now)
        if same:
            await tx.mark_fetched(batch.marks)
    if not same:
        await source.commit(batch)
    return report


async def after_stored(source: WorldAthleticsSource, store: WAStore, batch: PollBatch, now: datetime, *,
                       alert_after: timedelta | None = None) -> Alert | None:
    """Add followed calendar competitions, decide the alert, save the health. Returns the alert."""
    fixtures = [e for e in batch.calendar_entries if source.follows(e)]
    if fixtures:
        await import_calendar(store, fixtures, CALENDAR_PATH)
    alert = decide_alert(now, source.health, alert_after) if alert_after is not None else None
    source.health = alerted(source.health, alert)  # stored before it is sent: never twice
    await store.save_source_health(source.health)
    return alert


async def restore_health(source: WorldAthleticsSource, store: HealthStore) -> None:
    """A new process carries on the stored health (a failing run, an alert already sent)."""
    if source.health.polled:
        return
    for stored in await store.source_health():
        if stored.name == source.name:
            stored.circuit = source.health.circuit
            source.health = stored


class MonitoredSource:
    """The source as bot.announce.poller.Poller sees it (name, poll, commit, failed), keeping its
    health and calendar in the store; the Poller stores the rows and calls commit after, or failed
    when the store refused them."""

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
        await self._after(batch)

    async def failed(self, batch: PollBatch, error: str) -> None:
        """Nothing is marked fetched (the same rows come back next poll); the health says why."""
        assert self._now is not None, "failed() before poll()"
        self.source.health.record_failure(self._now, f"results not stored: {error}")
        await self._after(batch)

    async def _after(self, batch: PollBatch) -> None:
        assert self._now is not None, "commit() before poll()"
        alert = await after_stored(self.source, self.store, batch, self._now, alert_after=self.alert_after)
        if alert is not None and self.on_alert is not None:
            await self.on_alert(alert)

    async def aclose(self) -> None:
        await self.source.aclose()
