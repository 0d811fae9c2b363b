"""The admin alert for a result source that stopped working, and the one when it works again.

`decide_alert(now, health, failing_after)` is pure: at most one 'failing' alert per run of
failures (once it has lasted `failing_after`), and one 'recovered' alert after it, never more.
What was alerted lives in the health itself (`alerted_since`), which the store keeps: save the
health that `alerted(health, alert)` returns as soon as the alert is handed on, and a restart,
a flapping API or a poll every minute cannot repeat it. Each alert's key is stable, so a
Publisher.send retried with it never posts twice either.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.announce.publishing import ChannelRef
from bot.replies import Moment, Paragraph, Reply, Span
from bot.sources.health import SourceHealth, duration_text, moment_text, source_label

FAILING = "failing"
RECOVERED = "recovered"
DEFAULT_FAILING_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go (none: no alerts), and how long a source fails before one is sent."""

    channel: ChannelRef | None = None
    failing_after: timedelta = DEFAULT_FAILING_AFTER


@dataclass(frozen=True)
class Alert:
    kind: str  # FAILING or RECOVERED
    source: str
    key: str  # idempotency key for Publisher.send
    reply: Reply


def decide_alert(now: datetime, health: SourceHealth, failing_after: timedelta) -> Alert | None:
    if health.failing_since is not None:
        if health.alerted_since == health.failing_since or now - health.failing_since < failing_after:
            return None
        return Alert(FAILING, health.name, _key(health.name, FAILING, health.failing_since),
                     _failing(now, health, health.failing_since))
    if health.alerted_since is not None:
        return Alert(RECOVERED, health.name, _key(health.name, RECOVERED, health.alerted_since),
                     _recovered(now, health, health.alerted_since))
    return None


def alerted(health: SourceHealth, alert: Alert | None) -> SourceHealth:
    """The health to store once `alert` is on its way."""
    if alert is None:
        return health
    return replace(health, alerted_since=health.failing_since if alert.kind == FAILING else None)


def _key(source: str, kind: str, since: datetime) -> str:
    return f"source-alert:{source}:{kind}:{since.isoformat()}"


def _failing(now: datetime, h: SourceHealth, failing_since: datetime) -> Reply:
    label, since = source_label(h.name), moment_text(failing_since)
    moments = [Moment(failing_since, since)]
    paragraphs = [Paragraph.of(Span(label, strong=True),
                               f" has failed since {since} ({duration_text(now - failing_since)}); "
                               "results from it are not updating.")]
    if h.last_error:
        paragraphs.append(Paragraph.of("Last error: ", h.last_error))
    if h.last_success:
        last = moment_text(h.last_success)
        moments.append(Moment(h.last_success, last))
        paragraphs.append(Paragraph.of(f"Last successful poll: {last}."))
    paragraphs.append(Paragraph.of("It keeps retrying. A rotated API key or host is the usual cause: see the "
                                   "README's World Athletics section. /status shows the details; one more "
                                   "message will say when it works again."))
    return Reply(f"{label} is failing", paragraphs, moments=moments, footer="racebot source alert")


def _recovered(now: datetime, h: SourceHealth, alerted_since: datetime) -> Reply:
    label = source_label(h.name)
    back = h.last_success or now
    since, at = moment_text(alerted_since), moment_text(back)
    text = (f" works again: polls succeed since {at}, after failing since {since} "
            f"({duration_text(back - alerted_since)}).")
    return Reply(f"{label} has recovered", [Paragraph.of(Span(label, strong=True), text)],
                 moments=[Moment(alerted_since, since), Moment(back, at)], footer="racebot source alert")
