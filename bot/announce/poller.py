"""One poll of one result source: fetch, store, and write the outbox, in one transaction.

`Poller.step(now)` is the pure step the scheduler's poll job calls. A lease in the store makes
sure one poller at a time works on a source (two processes, or a job and `racebot sync`): the
other skips its turn rather than importing the same rows twice.

With several bot processes on one store, each runs the poll job, but only one of them polls: the
one holding the source's leadership (`leader_seconds`), a second lease in the same table,
renewed at every step until the next (`leader_seconds`, the interval; or the source's own next
poll when it names a later one) and never released between polls. Its holder dying leaves it to
lapse at what would have been its next step, and the next step of another process takes it over:
within two intervals of the death. The poll lease itself is still taken and released around each poll, so
`racebot sync` waits for one poll, never for a leader; it is renewed while the poll lasts, so it
can be as short as the interval and a holder killed mid-poll holds the source up no longer.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Generic, Protocol, Sequence, TypeVar

from bot.errors import ImportFailed
from bot.ingest.importer import CpuBound, plan_rows
from bot.ingest.rows import ResultRow
from bot.announce.diff import DIGEST_WINDOW, DiffReport, record_poll_changes
from bot.announce.follows import FollowerMap
from bot.announce.store import OutboxStore
from bot.store import Writes

log = logging.getLogger(__name__)


class Batch(Protocol):
    # Read-only (properties), so a batch may hold its rows in a list.
    @property
    def rows(self) -> Sequence[ResultRow]: ...

    @property
    def next_poll(self) -> datetime | None:
        """When the source would like to be asked again, if it knows."""
        ...

    @property
    def complete(self) -> bool:
        """No source errors: only a complete poll ends the baselines of new subscriptions."""
        ...


B = TypeVar("B", bound=Batch)


class Source(Protocol[B]):
    """Polled for batches of its own kind, which it is handed back."""

    name: str

    async def poll(self, now: datetime) -> B: ...

    async def commit(self, batch: B) -> None:
        """The batch's rows are stored (or it had none): what it fetched may be marked fetched."""
        ...

    async def failed(self, batch: B, error: str) -> None:
        """The store refused the batch's rows: nothing is stored, the same rows come back next poll."""
        ...


class PollStore(Writes, OutboxStore, Protocol):
    """A poll writes results and the outbox, and holds the source's lease."""


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


LEADER_SUFFIX = ":leader"  # the leadership's row beside the source's own in the poll leases


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Poller(Generic[B]):
    def __init__(self, source: Source[B], store: PollStore, *, holder: str | None = None,
                 lease_seconds: float = 300.0, leader_seconds: float | None = None,
                 on_poll: Callable[[PollReport], Awaitable[None]] | None = None,
                 cpu_bound: CpuBound = nullcontext, digest: timedelta = DIGEST_WINDOW) -> None:
        self.source = source
        self.digest = digest  # a user's follow alerts within it come as one message
        self.followers = FollowerMap()  # followers by athlete, reloaded when follows change
        self.cpu_bound = cpu_bound
        self.store = store
        self.holder = f"{holder or holder_name()}:{id(self):x}"
        self.lease = timedelta(seconds=lease_seconds)
        self.leader = timedelta(seconds=leader_seconds) if leader_seconds else None
        self._leading: bool | None = None
        self.on_poll = on_poll

    @property
    def leader_key(self) -> str:
        return f"{self.source.name}{LEADER_SUFFIX}"

    async def step(self, now: datetime) -> datetime | None:
        """The job body: poll once, tell `on_poll`, and say when to poll next (None: the usual interval)."""
        if self.leader is not None:
            leading = await self.store.lease_source(self.leader_key, self.holder, now, now + self.leader)
            if leading != self._leading:  # once per change, for the operator following a failover
                self._leading = leading
                log.info("%s %s polling %s", self.holder, "takes over" if leading else "stands by:", self.source.name)
            if not leading:
                return None  # another process polls this source
        report = await self.poll_once(now)
        if self.leader is not None and report.next_poll is not None and report.next_poll > now + self.leader:
            # The source asked to be polled later than the usual interval: the leadership lasts
            # until then, or another process would take it over in the meantime and poll early.
            await self.store.lease_source(self.leader_key, self.holder, now, report.next_poll)
        if self.on_poll is not None:
            await self.on_poll(report)
        return report.next_poll

    async def resign(self) -> None:
        """Give the leadership up at a clean stop, so another process takes over at its next step."""
        if self.leader is not None:
            await self.store.release_source(self.leader_key, self.holder)

    async def poll_once(self, now: datetime) -> PollReport:
        name = self.source.name
        if not await self.store.lease_source(name, self.holder, now, now + self.lease):
            log.info("poll of %s skipped: another poller holds it", name)
            return PollReport(name, skipped=True)
        done = asyncio.Event()
        renewing = asyncio.ensure_future(self._renew(name, now, done))
        try:
            batch = await self.source.poll(now)
            if batch.rows and self.followers.version is None:
                # Loaded before the write lock is taken; the poll's transaction then reads only
                # the follows changed since (100,000 follows: a third of a second of CPU).
                self.followers.load(*await self.store.follower_snapshot())
            diff, data_changed = await self._store(batch, now, batch.complete)
            await self.source.commit(batch)  # only now: a crash before this refetches, and the diff adds nothing
        except ImportFailed as exc:
            log.warning("poll of %s: results not stored: %s", name, exc)
            await self.source.failed(batch, str(exc))
            return PollReport(name, error=str(exc))
        finally:
            done.set()  # not cancelled: a renewal under way finishes its statement first
            await renewing
            await self.store.release_source(name, self.holder)
        if diff.rows_added:
            log.info("poll of %s: %d race(s) changed, %d announcement(s) queued", name, diff.races_changed,
                     diff.rows_added)
        return PollReport(name, False, len(batch.rows), diff.races_changed, diff.rows_added, diff.baseline,
                          data_changed, batch.next_poll)

    async def _renew(self, name: str, now: datetime, done: asyncio.Event) -> None:
        """Keep the poll's lease while the poll lasts, so the lease can be short: a holder that
        dies mid-poll holds the source up for one lease, not for the longest poll there could be.
        Renewed in real time from `now` (other processes live in real time, whatever the clock)."""
        every, started = self.lease.total_seconds() / 3, time.monotonic()
        while True:
            try:
                await asyncio.wait_for(done.wait(), every)
                return
            except asyncio.TimeoutError:
                pass
            at = now + timedelta(seconds=time.monotonic() - started)
            try:
                await self.store.lease_source(name, self.holder, at, at + self.lease)
            except Exception:  # the store is briefly unwritable: the next round tries again
                log.exception("renewing the poll lease of %s failed", name)

    async def _store(self, batch: Batch, now: datetime, complete: bool) -> tuple[DiffReport, bool]:
        if not batch.rows:
            start = await self.store.record_poll(self.source.name, now, complete)
            return DiffReport(0, 0, start.first_for_source), False
        planned = await plan_rows(self.store, list(batch.rows), f"{self.source.name} poll", strict=False,
                                  cpu_bound=self.cpu_bound)
        try:
            async with self.store.write() as tx:
                s = (await planned.write(tx)).summary
                diff = await record_poll_changes(tx, self.source.name, now, complete, digest=self.digest,
                                                  followers=self.followers)
        except BaseException:
            self.followers.version = None  # it moved on with alerts that were rolled back: read it again
            raise
        return diff, bool(s.athletes or s.competitions or s.races or s.results_added or s.results_changed)
