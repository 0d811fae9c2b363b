"""Delivery: due outbox rows -> the core's announcement -> Publisher.send -> marked in the store.

Crash-safe by order of work: a row is leased, sent with its stable key, then marked. A crash
after the send leaves it pending; when the lease lapses it is sent again with the same key,
which the adapter recognises. The mark is written as soon as the send returns; marks (and
leases) of lanes that finish while a write is under way go together in the next write, so a
mark never waits for a timer or a batch to fill, only, as before, for the write ahead of it.
Rows of one channel go out in order: one lane per channel at a time, and a channel waiting for
a retry or a rate limit holds its later rows back while other channels carry on.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Mapping

from bot.coalesce import Coalescer
from bot.lanes import Countdown, Lanes
from bot.outbox import Delivered, OutboxItem
from bot.outbox_store import OutboxStore
from bot.publishing import ChannelRef, Delivery, Outcome, Publisher
from bot.ratelimit import RateLimits
from bot.replies import Reply

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Render = Callable[[OutboxItem], Awaitable[Reply | None]]


@dataclass(frozen=True)
class DeliverySettings:
    namespace: str = "racebot"  # idempotency keys: "<namespace>:<subscription>:<race>:<revision>"
    batch: int = 500  # rows looked at per pass
    per_channel_window: int = 5
    concurrency: int = 8  # channels sent to at once
    lease_seconds: float = 60.0  # a crashed worker's rows are retried after this
    max_attempts: int = 8
    backoff_initial_seconds: float = 2.0
    backoff_max_seconds: float = 600.0
    budget_seconds: float = 30.0  # one run stops after this, leaving the rest to the next
    queue_seconds: float = 2.0  # a channel waits in line this long for the platform's next send slot

    @classmethod
    def from_config(cls, section: Mapping, **overrides) -> "DeliverySettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in {**section, **overrides}.items() if k in known})

    def backoff(self, attempts: int) -> float:
        return min(self.backoff_initial_seconds * 2 ** max(attempts - 1, 0), self.backoff_max_seconds)


@dataclass
class DeliveryStats:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    gone: int = 0
    deferred: int = 0  # held back by a rate limit
    next_wait: float | None = None  # seconds until something may be sendable; None: nothing due

    def add(self, other: "DeliveryStats") -> None:
        for name in ("delivered", "retried", "failed", "gone", "deferred"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def wait_at_most(self, seconds: float) -> None:
        self.next_wait = seconds if self.next_wait is None else min(self.next_wait, seconds)

    def fold(self, lane: "DeliveryStats") -> None:
        """A lane's stats into a pass's: counts add up, the soonest wait wins."""
        self.add(lane)
        if lane.next_wait is not None:
            self.wait_at_most(lane.next_wait)

    def settled(self) -> "DeliveryStats":
        if self.delivered:
            self.next_wait = 0.0  # more may be waiting behind this pass's window
        return self


class Deliverer:
    def __init__(self, store: OutboxStore, render: Render, publishers: Mapping[str, Publisher],
                 limits: RateLimits, settings: DeliverySettings, *, clock: Clock,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.store, self.render, self.publishers = store, render, publishers
        self.limits, self.settings, self.clock, self.sleep = limits, settings, clock, sleep
        self._stopping = False
        self._mark_delivered = Coalescer(store.mark_delivered)
        self._busy: set[ChannelRef] = set()  # channels with a lane running: one lane a channel, for order
        self._lines: dict[str, asyncio.Lock] = {}  # per platform: lanes waiting for a send slot

    def stop(self) -> None:
        """Finish the passes in hand, start no other: for a clean shutdown."""
        self._stopping = True

    async def run(self) -> DeliveryStats:
        """The job body: pass after pass until nothing is sendable within the budget."""
        started, total = self.clock(), DeliveryStats()
        while True:
            stats = await self._passes(started)
            total.add(stats)
            wait = stats.next_wait
            if wait is None or self._stopping or self._spent(started) + wait > self.settings.budget_seconds:
                total.next_wait = wait
                return total
            if wait > 0:
                await self.sleep(wait)

    async def pass_once(self, now: datetime) -> DeliveryStats:
        """One look at the due rows, sent as far as limits allow."""
        stats = DeliveryStats()
        lanes = Lanes(stats.fold)
        await self._begin(now, asyncio.Semaphore(self.settings.concurrency), lanes)
        await lanes.finish()
        return stats.settled()

    async def _passes(self, started: datetime) -> DeliveryStats:
        """A pass and, while each comes back full (more is due), the next, looked up as soon as
        the previous one's lanes are all under way rather than after its last send: otherwise
        the platform idles through every query and the lanes' last round trips (some 5 % of a
        1,000/s fan-out). A channel still being sent to sits the next pass out."""
        stats = DeliveryStats()
        lanes = Lanes(stats.fold)
        gate = asyncio.Semaphore(self.settings.concurrency)  # shared: overlapping passes add no concurrency
        try:
            while True:
                full, under_way = await self._begin(self.clock(), gate, lanes)
                if not full or self._stopping or self._spent(started) >= self.settings.budget_seconds:
                    break
                await under_way.wait()
        except asyncio.CancelledError:  # a shutdown past its drain time: the lanes stop too
            lanes.cancel()
            raise
        except Exception:
            await lanes.settle()  # the sends under way still get recorded
            raise
        await lanes.finish()
        return stats.settled()

    async def _begin(self, now: datetime, gate: asyncio.Semaphore,
                     lanes: Lanes[DeliveryStats]) -> tuple[bool, asyncio.Event]:
        """Look up due rows and start a lane per channel. Returns whether to look again, and an
        event set once every new lane is past the gate (sending, or done)."""
        busy = set(self._busy)  # before the query: a lane ending during it may leave a stale row behind
        # Only platforms with a running adapter: rows for others wait without crowding these out.
        rows = await self.store.due_rows(now, self.settings.per_channel_window, self.settings.batch,
                                         list(self.publishers))
        by_channel: OrderedDict[ChannelRef, list[OutboxItem]] = OrderedDict()
        for row in rows:
            if row.subscription.channel not in busy:  # a lane of an earlier pass still has it
                by_channel.setdefault(row.subscription.channel, []).append(row)
        under_way = Countdown(len(by_channel))
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        claim = Coalescer(lambda ids: self.store.claim_rows(ids, now, lease))
        for channel, items in by_channel.items():
            self._busy.add(channel)
            lanes.start(self._lane(channel, items, now, gate, claim, under_way))
        # More may be due when the batch came back full; but when every row in it belonged to a
        # channel still being sent to, asking again at once would only return the same rows.
        return len(rows) >= self.settings.batch and bool(by_channel), under_way.done

    def _spent(self, started: datetime) -> float:
        return (self.clock() - started).total_seconds()

    async def _lane(self, channel: ChannelRef, items: list[OutboxItem], now: datetime, gate: asyncio.Semaphore,
                    claim: Coalescer[int, set[int]], under_way: Countdown) -> DeliveryStats:
        stats, admitted = DeliveryStats(), False
        try:
            publisher = self.publishers.get(channel.platform)
            if publisher is None:  # that adapter is not running: the rows wait for it
                return stats
            async with gate:
                under_way.tick()
                admitted = True
                for item in items:
                    blocked_until = max(t for t in (item.lease_until, item.next_attempt_at, now) if t is not None)
                    if blocked_until > now:
                        stats.wait_at_most((blocked_until - now).total_seconds())
                        return stats
                    channel_wait = self.limits.channel_wait(channel, self.clock())
                    if channel_wait > 0:  # a peek: no claim for a row that could not go anyway
                        stats.deferred += 1
                        stats.wait_at_most(channel_wait)
                        return stats
                    if item.id not in await claim(item.id):
                        return stats  # another worker has it
                    if not await self._deliver(item, publisher, stats):
                        return stats
            return stats
        finally:
            if not admitted:  # it never got to the gate: it counts as under way all the same
                under_way.tick()
            self._busy.discard(channel)

    async def _token(self, channel: ChannelRef, stats: DeliveryStats) -> bool:
        """Take a send slot. The platform's limit is shared, so a short wait for it is spent in
        line: one lane at a time watches the limit while the rest queue behind it, rather than
        every lane waking for every slot. A channel's own limit, or a long wait, defers the lane."""
        line = self._lines.setdefault(channel.platform, asyncio.Lock())
        if not line.locked() and self.limits.acquire(channel, self.clock()) == 0:  # nobody waiting: no queue
            return True
        async with line:
            while True:
                wait = self.limits.acquire(channel, self.clock())
                if wait == 0:
                    return True
                if wait > self.settings.queue_seconds or self.limits.channel_wait(channel, self.clock()) > 0:
                    stats.deferred += 1
                    stats.wait_at_most(wait)
                    return False
                await self.sleep(wait)

    async def _deliver(self, item: OutboxItem, publisher: Publisher, stats: DeliveryStats) -> bool:
        """Send one claimed row and record the outcome; False when the channel should wait."""
        try:
            reply = await self.render(item)
            problem = "race no longer in the store" if reply is None else ""
        except Exception as exc:  # a bug in rendering: this row fails, the fan-out goes on
            log.exception("rendering outbox row %d failed", item.id)
            reply, problem = None, f"could not render: {type(exc).__name__}"
        if reply is None:
            await self.store.mark_failed(item.id, self.clock(), problem)
            stats.failed += 1
            return True
        if not await self._token(item.subscription.channel, stats):  # last, so the limit is on sends
            await self.store.release_rows([item.id])
            return False
        try:
            d = await publisher.send(item.subscription.channel, reply, item.key(self.settings.namespace))
        except Exception as exc:  # a bug or a dropped connection: it may or may not have posted
            log.exception("sending outbox row %d to %s failed", item.id, item.subscription.channel)
            d = Delivery(Outcome.RETRY, 0.0, f"publisher raised {type(exc).__name__}")
        finally:
            self.limits.answered(item.subscription.channel, self.clock())
        now = self.clock()
        if d.outcome is Outcome.DELIVERED:
            # Recorded at once, folded only with marks already waiting: the gap between a post and
            # its record (where a crash means a repeat) stays one write long.
            await self._mark_delivered(Delivered(item.id, now, d.message_id, d.detail))
            stats.delivered += 1
            return True
        if d.outcome is Outcome.RETRY:
            attempts = item.attempts + 1
            if attempts >= self.settings.max_attempts:
                await self.store.mark_failed(item.id, now, f"gave up after {attempts} attempts: {d.detail}")
                stats.failed += 1
                return True
            wait = max(d.retry_after, self.settings.backoff(attempts))
            await self.store.mark_retry(item.id, attempts, now + timedelta(seconds=wait), d.detail)
            stats.retried += 1
            stats.wait_at_most(wait)
            return False
        if d.outcome is Outcome.GONE:
            ended = await self.store.disable_channel(item.subscription.channel, f"channel gone: {d.detail}", now)
            if ended:  # once: the subscriptions are inactive from now on
                log.warning("channel %s is gone (%s): %d subscription(s) disabled", item.subscription.channel,
                            d.detail, ended)
            stats.gone += 1
            return False
        log.error("outbox row %d rejected by %s: %s", item.id, item.subscription.channel.platform, d.detail)
        await self.store.mark_failed(item.id, now, f"rejected: {d.detail}")
        stats.failed += 1
        return True
