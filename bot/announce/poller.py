"""One poll of one result source: fetch, store, and write the outbox, in one transaction.

`Poller.step(now)` is the pure step the scheduler's poll job calls. A lease in the store makes
sure one poller at a time works on a source (two processes, or a job and `racebot sync`): the
other skips its turn rather than importing the same rows twice.
"""
from __future__ import annotations

import logging
import os
import socket
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Protocol, Sequence

from bot.errors import ImportFailed
from bot.ingest.importer import CpuBound, import_rows
from bot.ingest.rows import ResultRow
from bot.announce.diff import DiffReport, record_changes
from bot.announce.store import OutboxStore

log = logging.getLogger(__name__)


class Batch(Protocol):
    rows: Sequence[ResultRow]
    next_poll: datetime | None  # when the source would like to be asked again, if it knows


class Source(Protocol):
    name: str

    async def poll(self, now: datetime) -> Batch: ...
    # Optional: `async def commit(batch)`, called once the batch's rows are stored, and
    # `async def failed(batch, error)`, called when the store refused them.


@dataclass(frozen=True)
class PollReport:
    source: str
    skipped: bool = False  # another poller holds the source
    rows: int = 0
    races_changed: int = 0
    announcements: int = 0  # outbox rows written
    baseline: bool = False
    data_changed: bool = False  # athletes, competitions, races or results were added or changed
    next_poll: datetime | None = None
    error: str = ""


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Poller:
    def __init__(self, source: Source, store: OutboxStore, *, holder: str | None = None,
                 lease_seconds: float = 300.0,
                 on_poll: Callable[[PollReport], Awaitable[None]] | None = None,
                 cpu_bound: CpuBound = nullcontext) -> None:
        self.source = source
        self.cpu_bound = cpu_bound
        self.store = store
        self.holder = f"{holder or holder_name()}:{id(self):x}"
        self.lease = timedelta(seconds=lease_seconds)
        self.on_poll = on_poll

    async def step(self, now: datetime) -> datetime | None:
        """The job body: poll once, tell `on_poll`, and say when to poll next (None: the usual interval)."""
        report = await self.poll_once(now)
        if self.on_poll is not None:
            await self.on_poll(report)
        return report.next_poll

    async def poll_once(self, now: datetime) -> PollReport:
        name = self.source.name
        if not await self.store.lease_source(name, self.holder, now, now + self.lease):
            log.info("poll of %s skipped: another poller holds it", name)
            return PollReport(name, skipped=True)
        try:
            batch = await self.source.poll(now)
            complete = bool(getattr(batch, "complete", True))
            diff, data_changed = await self._store(batch, now, complete)
            commit = getattr(self.source, "commit", None)
            if commit is not None:
                await commit(batch)  # only now: a crash before this refetches, and the diff adds nothing
        except ImportFailed as exc:
            log.warning("poll of %s: results not stored: %s", name, exc)
            failed = getattr(self.source, "failed", None)
            if failed is not None:
                await failed(batch, str(exc))
            return PollReport(name, error=str(exc))
        finally:
            await self.store.release_source(name, self.holder)
        if diff.rows_added:
            log.info("poll of %s: %d race(s) changed, %d announcement(s) queued", name, diff.races_changed,
                     diff.rows_added)
        return PollReport(name, False, len(batch.rows), diff.races_changed, diff.rows_added, diff.baseline,
                          data_changed, batch.next_poll)

    async def _store(self, batch: Batch, now: datetime, complete: bool) -> tuple[DiffReport, bool]:
        if not batch.rows:
            start = await self.store.record_poll(self.source.name, now, complete)
            return DiffReport(0, 0, start.first_for_source), False
        found: list[DiffReport] = []

        async def after(race_ids: list[int]) -> None:  # inside the results transaction
            tx = self.store.outbox_tx()
            start = await tx.begin_poll(self.source.name, now, complete)
            found.append(await record_changes(tx, race_ids, now, start))

        report = await import_rows(self.store, list(batch.rows), f"{self.source.name} poll", strict=False, after=after,
                                   cpu_bound=self.cpu_bound)
        s = report.summary
        return found[0], bool(s.athletes or s.competitions or s.races or s.results_added or s.results_changed)
