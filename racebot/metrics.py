"""The process's counters in Prometheus's terms, fed by the core's and the pipelines' hooks.

prometheus_client: the text format, escaping and counter semantics done by the reference
library, with a registry of our own per process (not its global one, so tests can build many).
Its collectors are plain in-memory numbers, safe to bump from the event loop. The one figure
that is not this process's own, announcements waiting in the outbox, is read from the store
when /metrics is asked for: every replica reports the same shared queue.
"""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.announce.delivery import DeliveryStats
from bot.announce.poller import PollReport

CONTENT_TYPE = CONTENT_TYPE_LATEST
disable_created_metrics()  # the `_created` twin of every counter: noise for a scraper that sees restarts


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter("racebot_commands", "Commands answered, by command and outcome "
                                "(ok, bad_input, busy, failed)", ["command", "outcome"], registry=r)
        self.announcements = Counter("racebot_announcements", "Announcement sends by this process, by outcome "
                                     "(sent, retried, failed, gone, expired)", ["outcome"], registry=r)
        self.pending = Gauge("racebot_announcements_pending", "Outbox rows waiting to be sent, read from the "
                             "shared store when scraped", registry=r)
        self.polls = Counter("racebot_source_polls", "Source polls by this process, by source and outcome "
                             "(ok, error, skipped: another process holds the source)", ["source", "outcome"],
                             registry=r)
        self.rate_waits = Counter("racebot_rate_limit_waits", "Sends held by a platform rate limit: queued "
                                  "(waited in line) or deferred (put off to a later pass)", ["kind"], registry=r)
        self.rate_wait_seconds = Counter("racebot_rate_limit_wait_seconds", "Seconds sends waited in line "
                                         "for a platform rate limit", registry=r)
        self.pruned = Counter("racebot_outbox_pruned_rows", "Finished outbox rows deleted by the prune job",
                              registry=r)

    def command(self, name: str, outcome: str) -> None:
        self.commands.labels(name, outcome).inc()

    def delivery(self, stats: DeliveryStats) -> None:
        for outcome, n in (("sent", stats.delivered), ("retried", stats.retried), ("failed", stats.failed),
                           ("gone", stats.gone), ("expired", stats.expired)):
            if n:
                self.announcements.labels(outcome).inc(n)
        if stats.waits:
            self.rate_waits.labels("queued").inc(stats.waits)
            self.rate_wait_seconds.inc(stats.waited_seconds)
        if stats.deferred:
            self.rate_waits.labels("deferred").inc(stats.deferred)

    def poll(self, report: PollReport) -> None:
        outcome = "skipped" if report.skipped else "error" if report.error else "ok"
        self.polls.labels(report.source, outcome).inc()

    def exposition(self, pending: int | None) -> bytes:
        """The text format; `pending` as read from the store just now (None: the store did not answer)."""
        self.pending.set(float("nan") if pending is None else pending)
        return generate_latest(self.registry)
