"""Delivery: due outbox rows -> the core's announcement -> Publisher.send -> marked in the store.

Crash-safe by order of work: a row is leased, sent with its stable key, then marked. A crash
after the send leaves it pending; when the lease lapses it is claimed again "in doubt", and
the publisher looks for the key in the channel before posting. A sender renews its leases while
it works, and each claim carries a fencing token: a sender that lost its row (it stalled past
the lease and another took over) marks nothing. The mark is written as soon as the send returns;
marks (and leases) of lanes that finish while a write is under way go together in the next
write, so a mark never waits for a timer or a batch to fill, only for the write ahead of it.
A rate limit or a platform error only delays a row: it is retried, backing off, until the
platform takes it or it is no longer worth posting (`useful_hours`), when it expires.
Rows of one channel go out in order: one lane per channel at a time, and a channel waiting for
a retry or a rate limit holds its later rows back while other channels carry on.
"""
from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Mapping

from bot.announce.coalesce import Coalescer
from bot.announce.lanes import Countdown, Lanes
from bot.announce.leases import Leases
from bot.announce.outbox import Claim, Delivered, OutboxItem
from bot.announce.store import OutboxStore
from bot.announce.publishing import ChannelRef, Delivery, Outcome, Publisher
from bot.announce.ratelimit import RateLimits
from bot.announce.shards import Shards
from bot.announce.slices import Slice
from bot.replies import Reply

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
Render = Callable[[OutboxItem], Awaitable[Reply | None]]
RenderDigest = Callable[[list[OutboxItem]], Awaitable[Reply | None]]


@dataclass(frozen=True)
class DeliverySettings:
    namespace: str = "racebot"  # idempotency keys: "<namespace>:<subscription>:<race>:<revision>"
    batch: int = 500  # rows looked at per pass
    per_channel_window: int = 5
    concurrency: int = 8  # channels sent to at once
    lease_seconds: float = 60.0  # a crashed worker's rows are retried after this; renewed while sending
    useful_hours: float = 6.0  # a row not accepted by then (rate limits, outages) expires unsent
    backoff_initial_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    budget_seconds: float = 30.0  # one run stops after this, leaving the rest to the next
    queue_seconds: float = 2.0  # a channel waits in line this long for the platform's next send slot
    shards: Shards | None = None  # several processes on one bot: deliver only to these shards' channels
    slice: Slice | None = None  # and on platforms without shards, only this slice's channels

    def backoff(self, attempts: int, spread: float) -> float:
        """The wait before attempt `attempts` + 1 when the platform named none: exponential, and
        jittered over its upper half (`spread` in [0, 1)) so channels failed together do not
        come back together."""
        ceiling = min(self.backoff_initial_seconds * 2.0 ** max(attempts - 1, 0), self.backoff_max_seconds)
        return ceiling * (0.5 + spread / 2)


@dataclass
class DeliveryStats:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    gone: int = 0
    expired: int = 0
    deferred: int = 0  # held back by a rate limit
    waits: int = 0  # a send that waited in line for the platform's rate limit
    waited_seconds: float = 0.0
    next_wait: float | None = None  # seconds until something may be sendable; None: nothing due

    def add(self, other: "DeliveryStats") -> None:
        for name in ("delivered", "retried", "failed", "gone", "expired", "deferred", "waits", "waited_seconds"):
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
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 spread: Callable[[], float] = random.random,
                 render_digest: RenderDigest | None = None) -> None:
        self.store, self.render, self.publishers = store, render, publishers
        self.render_digest = render_digest  # several alerts due together in a user's DMs: one message
        self.limits, self.settings, self.clock, self.sleep = limits, settings, clock, sleep
        self.spread = spread  # backoff jitter, in [0, 1)
        self._stopping = False
        self._mark_delivered = Coalescer(store.mark_delivered)
        self._leases = Leases(store, lambda: self.clock() + timedelta(seconds=settings.lease_seconds),
                              settings.lease_seconds / 3)
        # A lease its holder stopped renewing is taken over only one more lease later: a send it
        # still had in flight has landed by then, so the new holder's look in the channel sees it.
        self._grace = timedelta(seconds=settings.lease_seconds)
        self._busy: set[ChannelRef] = set()  # channels with a lane running: one lane a channel, for order
        self._lines: dict[str, asyncio.Lock] = {}  # per platform: lanes waiting for a send slot

    def stop(self) -> None:
        """Finish the passes in hand, start no other: for a clean shutdown."""
        self._stopping = True

    async def run(self) -> DeliveryStats:
        """The job body: pass after pass until nothing is sendable within the budget."""
        started, total = self.clock(), DeliveryStats()
        total.expired = await self._expire(started)
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
        stats = DeliveryStats(expired=await self._expire(now))
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
                                         list(self.publishers), shards=self.settings.shards,
                                         slice=self.settings.slice,
                                         stale_before=Slice.stale_before(now, self.settings.lease_seconds))
        by_channel: OrderedDict[ChannelRef, list[OutboxItem]] = OrderedDict()
        for row in rows:
            if row.subscription.channel not in busy:  # a lane of an earlier pass still has it
                by_channel.setdefault(row.subscription.channel, []).append(row)
        under_way = Countdown(len(by_channel))
        claim = Coalescer(self._claim)
        for channel, items in by_channel.items():
            self._busy.add(channel)
            lanes.start(self._lane(channel, items, now, gate, claim, under_way))
        # More may be due when the batch came back full; but when every row in it belonged to a
        # channel still being sent to, asking again at once would only return the same rows.
        return len(rows) >= self.settings.batch and bool(by_channel), under_way.done

    async def _claim(self, ids: list[int]) -> dict[int, Claim]:
        # The time of the claim, not of the pass: a lane may wait at the gate for longer than a
        # lease, and a lease dated from the pass would be over before its send began.
        now = self.clock()
        return await self.store.claim_rows(ids, now, now + timedelta(seconds=self.settings.lease_seconds),
                                           lapsed_by=now - self._grace)

    async def _expire(self, now: datetime) -> int:
        expired = await self.store.expire_rows(now - timedelta(hours=self.settings.useful_hours), now)
        if expired:
            log.warning("%d announcement(s) expired: not accepted by the platform within %g h of being due "
                        "(see /status)", expired, self.settings.useful_hours)
        return expired

    def _spent(self, started: datetime) -> float:
        return (self.clock() - started).total_seconds()

    async def _lane(self, channel: ChannelRef, items: list[OutboxItem], now: datetime, gate: asyncio.Semaphore,
                    claim: Coalescer[int, dict[int, Claim]], under_way: Countdown) -> DeliveryStats:
        stats, admitted = DeliveryStats(), False
        try:
            publisher = self.publishers.get(channel.platform)
            if publisher is None:  # that adapter is not running: the rows wait for it
                return stats
            async with gate:
                under_way.tick()
                admitted = True
                for unit in self._units(channel, items):
                    item = unit[0]
                    taken_over = max((i.lease_until for i in unit if i.lease_until), default=None)
                    taken_over = taken_over + self._grace if taken_over else None
                    blocked_until = max(t for t in (taken_over, item.next_attempt_at, now) if t is not None)
                    if blocked_until > now:
                        stats.wait_at_most((blocked_until - now).total_seconds())
                        return stats
                    channel_wait = self.limits.channel_wait(channel, self.clock())
                    if channel_wait > 0:  # a peek: no claim for a row that could not go anyway
                        stats.deferred += 1
                        stats.wait_at_most(channel_wait)
                        return stats
                    if len(unit) == 1:  # awaited in place: lanes keep the order they had
                        got = [(await claim(item.id)).get(item.id)]
                    else:
                        got = [c.get(i.id) for i, c in zip(unit, await asyncio.gather(*(claim(i.id) for i in unit)))]
                    helds = [h for h in got if h is not None]
                    if len(helds) < len(unit):  # another worker has (some of) it
                        await self.store.release_rows([(i.id, h.token) for i, h in zip(unit, got) if h])
                        return stats
                    for i, h in zip(unit, helds):
                        self._leases.hold(i.id, h.token)
                    try:
                        if not await self._deliver(unit, helds, publisher, stats):
                            return stats
                    finally:
                        for i in unit:
                            self._leases.drop(i.id)
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
                stats.waits += 1
                stats.waited_seconds += wait
                await self.sleep(wait)

    def _units(self, channel: ChannelRef, items: list[OutboxItem]) -> list[list[OutboxItem]]:
        """What goes out as one message: a row, or for a user's direct messages (with a digest
        renderer) every row of one due time, as bot.announce.follows.digest_due grouped them."""
        if not channel.user_id or self.render_digest is None:
            return [[i] for i in items]
        units: dict[datetime, list[OutboxItem]] = {}
        for i in items:
            units.setdefault(i.due_at, []).append(i)
        return list(units.values())

    def _key(self, unit: list[OutboxItem]) -> str:
        if len(unit) == 1:
            return unit[0].key(self.settings.namespace)
        # A group's rows are fixed once it is due (nothing joins a due group), so this is stable.
        first = unit[0]
        return f"{self.settings.namespace}:{first.subscription.id}:digest:{first.id}-{unit[-1].id}:{len(unit)}"

    async def _deliver(self, unit: list[OutboxItem], helds: list[Claim], publisher: Publisher,
                       stats: DeliveryStats) -> bool:
        """Send claimed rows as one message and record the outcome; False when the channel should wait."""
        item, held = unit[0], helds[0]
        marks = list(zip(unit, helds))
        try:
            if len(unit) == 1:
                reply = await self.render(item)
            else:
                assert self.render_digest is not None  # _units groups only with one
                reply = await self.render_digest(unit)
            problem = "race no longer in the store" if reply is None else ""
        except Exception as exc:  # a bug in rendering: this row fails, the fan-out goes on
            log.exception("rendering outbox row %d failed", item.id)
            reply, problem = None, f"could not render: {type(exc).__name__}"
        if reply is None:
            for i, h in marks:
                if await self.store.mark_failed(i.id, h.token, self.clock(), problem):
                    stats.failed += 1
            return True
        if not await self._token(item.subscription.channel, stats):  # last, so the limit is on sends
            await self.store.release_rows([(i.id, h.token) for i, h in marks])
            return False
        key = self._key(unit)
        # Only when in doubt: publishers that never are (tests, benchmarks) need not take the argument.
        doubted = [h.first_attempt_at or i.created_at for i, h in marks if h.in_doubt]
        doubt = {"in_doubt_since": min(doubted)} if doubted else {}
        try:
            d = await publisher.send(item.subscription.channel, reply, key, **doubt)
        except Exception as exc:  # a bug or a dropped connection: it may or may not have posted
            log.exception("sending outbox row %d to %s failed", item.id, item.subscription.channel)
            d = Delivery(Outcome.RETRY, 0.0, f"publisher raised {type(exc).__name__}", maybe_posted=True)
        finally:
            self.limits.answered(item.subscription.channel, self.clock())
        now = self.clock()
        if d.outcome is Outcome.DELIVERED:
            # Recorded at once, folded only with marks already waiting: the gap between a post and
            # its record (where a crash means a look in the channel) stays one write long.
            delivered = [Delivered(i.id, now, d.message_id, d.detail, h.token) for i, h in marks]
            # A digest's rows in one statement: all marked or none, so a retry never re-sends a part of it.
            marked = (await self._mark_delivered(delivered[0]) if len(delivered) == 1
                      else await self.store.mark_delivered(delivered))
            for i, _ in marks:
                if i.id in marked:
                    stats.delivered += 1
                else:
                    self._lost(i)
            return True
        if d.outcome is Outcome.RETRY:
            # Not the message's fault: it waits, however long the platform refuses, until it expires.
            attempts = item.attempts + 1
            wait = d.retry_after if d.retry_after > 0 else self.settings.backoff(attempts, self.spread())
            for i, h in marks:
                if not await self.store.mark_retry(i.id, h.token, i.attempts + 1, now + timedelta(seconds=wait),
                                                   d.detail, in_doubt=d.maybe_posted):
                    self._lost(i)
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
        for i, h in marks:
            if await self.store.mark_failed(i.id, h.token, now, f"rejected: {d.detail}"):
                stats.failed += 1
        return True

    def _lost(self, item: OutboxItem) -> None:
        log.warning("outbox row %d: lease lost while sending (another sender took it over); its holder "
                    "checks the channel before posting", item.id)
