"""Wiring for scheduled announcements: sources, pollers, delivery and the scheduler, from config.

Two pipelines at most: the real store (its subscriptions, the live sources configured) and, for the
embedded default, a replay with a store of its own. Each pipeline has its own delivery job; they
share the publishers and the rate limits, since those belong to the platforms.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from bot.announce.message import Announcer
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.announce.jobs import Jobs, utc_now
from bot.announce.poller import Poller, PollReport
from bot.announce.pruning import Pruner
from bot.announce.publishing import ChannelRef, Publisher
from bot.announce.ratelimit import RateLimits
from bot.announce.shards import Shards
from bot.announce.subscriptions import Subscription
from bot.backend import Store
from racebot.config import Config
from racebot.metrics import Metrics
from racebot.tuning import no_gc_pauses

log = logging.getLogger(__name__)
DRAIN_SECONDS = 5.0


@dataclass
class Announcements:
    jobs: Jobs
    replay_label: str = ""
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    deliverers: list[Deliverer] = field(default_factory=list)

    def start(self) -> None:
        self.jobs.start()

    async def stop(self) -> None:
        # Let a send in flight finish (a cut-off send is safe but may repeat on a platform
        # without idempotency keys); past the drain time it is cancelled and stays pending.
        for d in self.deliverers:
            d.stop()
        await self.jobs.drain(DRAIN_SECONDS)
        self.jobs.shutdown()
        for close in reversed(self.closers):
            try:
                await close()
            except Exception:
                log.exception("closing announcements failed")


def _live_sources(cfg: Config, store: Store, publishers: dict[str, Publisher]) -> list:
    """(source, poll seconds) for each live source enabled in config: World Athletics today."""
    section = cfg.file.sources.worldathletics
    if not section.enabled:
        return []
    from bot.sources.worldathletics import MonitoredSource, WorldAthleticsSource

    settings = section.settings(cfg.env)
    alerts = cfg.file.alerts.settings()

    async def on_alert(alert) -> None:  # straight to the admin channel: rare, keyed, stored as sent first
        channel = alerts.channel
        publisher = publishers.get(channel.platform) if channel else None
        if channel is None or publisher is None:
            log.warning("source alert not sent: no %s adapter running",
                        channel.platform if channel else "admin channel")
            return
        delivery = await publisher.send(channel, alert.reply, alert.key)
        log.info("source alert %s: %s", alert.key, delivery.outcome.value)

    watched = MonitoredSource(WorldAthleticsSource(settings, store), store,
                              alert_after=alerts.failing_after if alerts.channel else None, on_alert=on_alert)
    return [(watched, settings.idle_poll_seconds)]


def _pipeline(result: "Announcements", name: str, store, announcer: Announcer, publishers: dict[str, Publisher], limits: RateLimits,
              settings: DeliverySettings, every: float, clock, on_data=None,
              metrics: Metrics | None = None) -> Callable[[PollReport], Awaitable[None]]:
    jobs = result.jobs
    deliverer = Deliverer(store, announcer.render, publishers, limits, settings, clock=clock,
                          render_digest=announcer.render_digest)
    result.deliverers.append(deliverer)
    job_id = f"deliver:{name}"

    async def deliver() -> None:
        stats = await deliverer.run()
        if metrics is not None:
            metrics.delivery(stats)
    jobs.add_delivery(job_id, deliver, every)

    async def on_poll(report: PollReport) -> None:
        if metrics is not None:
            metrics.poll(report)
        if report.announcements:
            jobs.run_soon(job_id)
        if report.data_changed and on_data is not None:
            await on_data()
    return on_poll


def _discord_shards(cfg: Config) -> Shards | None:
    """This process's Discord shards, when it runs only some of them (`[discord] shard_ids`)."""
    discord = cfg.file.discord
    if discord.shard_ids is None or not isinstance(discord.shard_count, int):
        return None
    return Shards("discord", tuple(discord.shard_ids), discord.shard_count)


def _shared_limits(overrides: dict[str, dict[str, float]], shards: Shards | None) -> dict[str, dict[str, float]]:
    """A process with some of Discord's shards takes their part of the bot's global rate, unless
    the file names a share itself."""
    if shards is None or "share" in overrides.get(shards.platform, {}):
        return overrides
    return {**overrides, shards.platform: {**overrides.get(shards.platform, {}), "share": shards.share}}


async def build_announcements(cfg: Config, core, publishers: dict[str, Publisher], *, has_chat: bool,
                              clock: Callable[[], datetime] = utc_now,
                              metrics: Metrics | None = None) -> Announcements | None:
    section = cfg.file.announcements
    if not section.enabled:
        log.info("announcements are off ([announcements] enabled = false)")
        return None
    shards = _discord_shards(cfg)
    settings = replace(section.delivery(), shards=shards)
    if settings.slice is not None and shards is not None:  # Discord's shards split it already
        settings = replace(settings, slice=replace(settings.slice, exempt=shards.platform))
    limits = RateLimits(_shared_limits(section.rate_limits.overrides(), shards))
    every = section.delivery_seconds
    jobs = Jobs(clock)
    result = Announcements(jobs)
    sources = _live_sources(cfg, core.store, publishers)
    on_poll = _pipeline(result, "main", core.store, Announcer(core.store), publishers, limits, settings, every,
                        clock, on_data=core.refresh, metrics=metrics)  # new athletes and meetings become searchable
    ops = cfg.file.ops
    pruner = Pruner(core.store, timedelta(days=ops.prune_after_days),
                    on_pruned=metrics.pruned.inc if metrics is not None else None)
    jobs.add_housekeeping("prune:main", pruner.step, ops.prune_every_hours * 3600)
    for source, idle in sources:
        interval = section.poll_seconds or idle
        # One process polls a source while others stand by (a shared store): leadership lapses
        # one interval after its holder's last step, so another takes over within two.
        poller = Poller(source, core.store, on_poll=on_poll, cpu_bound=no_gc_pauses, leader_seconds=interval,
                        lease_seconds=interval,  # renewed while a poll lasts
                        digest=timedelta(minutes=section.digest_minutes))
        jobs.add_poll(f"poll:main:{source.name}", poller.step, interval)
        result.closers.append(source.aclose)
        result.closers.append(poller.resign)
    await _add_replay(cfg, result, publishers, limits, settings, every, clock, has_live=bool(has_chat or sources),
                      metrics=metrics)
    return result


async def _add_replay(cfg: Config, result: Announcements, publishers, limits, settings, every, clock, *,
                      has_live: bool, metrics: Metrics | None = None) -> None:
    from racebot.replay_store import open_replay

    rs = cfg.file.replay
    if rs.enabled is False or (rs.enabled == "auto" and has_live):
        return
    replay = await open_replay(rs, cfg.db_path)
    result.closers.append(replay.store.close)
    channels = [ChannelRef("console", "", "terminal")] if "console" in publishers else []
    channels += [ChannelRef.parse(c) for c in rs.channels]
    for channel in dict.fromkeys(channels):
        await replay.store.add_subscription(Subscription(channel, created_at=clock(), created_by="replay"))
    label = f"Replay of {replay.label}, not live"
    replay_settings = replace(settings, namespace=f"replay-{int(time.time())}")  # a new replay is new posts
    on_poll = _pipeline(result, "replay", replay.store, Announcer(replay.store, source_label=label),
                        publishers, limits, replay_settings, every, clock, metrics=metrics)
    poller = Poller(replay.source, replay.store, on_poll=on_poll, cpu_bound=no_gc_pauses,
                    digest=timedelta(minutes=cfg.file.announcements.digest_minutes))
    result.jobs.add_poll("poll:replay", poller.step, rs.poll_seconds, min_gap_seconds=0.1)
    result.replay_label = replay.label
    log.info("replaying %s: %d races, one every %.0f s", replay.label, len(replay.source.races), rs.interval_seconds)
