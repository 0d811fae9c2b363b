"""Thin APScheduler 3.x wrappers: a poll job per source and a delivery job, in the running loop.

The work itself is in pure steps that take `now` (Poller.step, Deliverer.run); these wrappers
only decide when. Every job: max_instances=1 (never overlaps itself), coalesce=True and no
misfire limit (runs missed during sleep or a restart collapse into one run, not N and not none).
The scheduler's own job store is memory: our tables hold subscriptions and the outbox.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
JOB_OPTIONS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Jobs:
    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=timezone.utc, job_defaults=dict(JOB_OPTIONS))
        self._busy: set[str] = set()
        self._again: set[str] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        """Inside the running event loop (the adapters' loop)."""
        self.scheduler.start()

    def shutdown(self) -> None:
        """Stop now; a job still running is cancelled (its rows stay pending, nothing is lost)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def drain(self, timeout: float) -> bool:
        """Start nothing new and let running jobs finish, for up to `timeout` seconds."""
        if self.scheduler.running:
            self.scheduler.pause()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    def add_poll(self, job_id: str, step: Callable[[datetime], Awaitable[datetime | None]], every_seconds: float,
                 *, min_gap_seconds: float = 1.0) -> None:
        """Poll now, then every `every_seconds`, or when the source asks for its next poll (sooner
        while a followed competition is live, later when idle)."""

        async def body() -> None:
            wanted = await step(self.clock())
            if wanted is not None and self.scheduler.get_job(job_id) is not None:
                soonest = self.clock() + timedelta(seconds=min_gap_seconds)
                self.scheduler.modify_job(job_id, next_run_time=max(wanted, soonest))

        self._add(job_id, body, every_seconds)

    def add_delivery(self, job_id: str, run: Callable[[], Awaitable[object]], every_seconds: float) -> None:
        self._add(job_id, run, every_seconds)

    def add_housekeeping(self, job_id: str, step: Callable[[datetime], Awaitable[object]],
                         every_seconds: float) -> None:
        """Tidying that takes `now` (the outbox's pruning): at start, then every `every_seconds`."""
        async def body() -> None:
            await step(self.clock())

        self._add(job_id, body, every_seconds)

    def run_soon(self, job_id: str) -> None:
        """Bring a job forward to now (delivery right after a poll queued rows). A running job
        goes round once more instead: a second instance would only be refused."""
        if job_id in self._busy:
            self._again.add(job_id)
        elif self.scheduler.running and self.scheduler.get_job(job_id) is not None:
            self.scheduler.modify_job(job_id, next_run_time=self.clock())

    def _add(self, job_id: str, body: Callable[[], Awaitable[object]], every_seconds: float) -> None:
        async def job() -> None:
            self._busy.add(job_id)
            self._idle.clear()
            try:
                while True:
                    self._again.discard(job_id)
                    try:
                        await body()
                    except Exception:  # logged here with the job's name; the schedule goes on
                        log.exception("job %s failed", job_id)
                    if job_id not in self._again:
                        return
            finally:
                self._busy.discard(job_id)
                if not self._busy:
                    self._idle.set()

        self.scheduler.add_job(job, IntervalTrigger(seconds=every_seconds, timezone=timezone.utc), id=job_id,
                               name=job_id, next_run_time=self.clock(), replace_existing=True, **JOB_OPTIONS)
