"""Delivery: due outbox rows -> the core's announcement -> Publisher.send -> marked in the store.

Crash-safe by order of work: a row is leased, sent with its stable key, then marked. A crash
after the send leaves it pending; when the lease lapses it is sent again with the same key,
which the adapter recognises. Rows of one channel go out in order: a channel waiting for a
retry or a rate-limit token holds its later rows back, other channels carry on.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Mapping

from bot.outbox import OutboxItem
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
    queue_seconds: float = 2.0  # a channel waits in line this long for the platform's next token

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


class Deliverer:
    def __init__(self, store: OutboxStore, render: Render, publishers: Mapping[str, Publisher],
                 limits: RateLimits, settings: DeliverySettings, *, clock: Clock,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.store, self.render, self.publishers = store, render, publishers
        self.limits, self.settings, self.clock, self.sleep = limits, settings, clock, sleep
        self._stopping = False

    def stop(self) -> None:
        """Finish the pass in hand, start no other: for a clean shutdown."""
        self._stopping = True

    async def run(self) -> DeliveryStats:
        """The job body: pass after pass until nothing is sendable within the budget."""
        started, total = self.clock(), DeliveryStats()
        while True:
            stats = await self.pass_once(self.clock())
            total.add(stats)
            wait = stats.next_wait
            if wait is None or self._stopping or \
                    (self.clock() - started).total_seconds() + wait > self.settings.budget_seconds:
                total.next_wait = wait
                return total
            if wait > 0:
                await self.sleep(wait)

    async def pass_once(self, now: datetime) -> DeliveryStats:
        # Only platforms with a running adapter: rows for others wait without crowding these out.
        rows = await self.store.due_rows(now, self.settings.per_channel_window, self.settings.batch,
                                         list(self.publishers))
        lanes: OrderedDict[ChannelRef, list[OutboxItem]] = OrderedDict()
        for row in rows:
            lanes.setdefault(row.subscription.channel, []).append(row)
        gate = asyncio.Semaphore(self.settings.concurrency)
        results = await asyncio.gather(*(self._lane(ch, items, now, gate) for ch, items in lanes.items()))
        stats = DeliveryStats()
        for lane in results:
            stats.add(lane)
            if lane.next_wait is not None:
                stats.wait_at_most(lane.next_wait)
        if stats.delivered:
            stats.next_wait = 0.0  # more may be waiting behind this pass's window
        return stats

    async def _lane(self, channel: ChannelRef, items: list[OutboxItem], now: datetime,
                    gate: asyncio.Semaphore) -> DeliveryStats:
        stats = DeliveryStats()
        publisher = self.publishers.get(channel.platform)
        if publisher is None:  # that adapter is not running: the rows wait for it
            return stats
        async with gate:
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
                lease = now + timedelta(seconds=self.settings.lease_seconds)
                if not await self.store.claim_rows([item.id], now, lease):
                    return stats  # another worker has it
                if not await self._deliver(item, publisher, stats):
                    return stats
        return stats

    async def _token(self, channel: ChannelRef, stats: DeliveryStats) -> bool:
        """Take a send token. The platform's bucket is shared, so a short wait for it is spent in
        line (the lanes take turns); a channel's own bucket, or a long wait, defers the lane."""
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
        now = self.clock()
        if d.outcome is Outcome.DELIVERED:
            await self.store.mark_delivered(item.id, now, d.message_id, d.detail)
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
