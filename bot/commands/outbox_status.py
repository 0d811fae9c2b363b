"""The announcements part of /status: what is waiting for a platform, what keeps failing, what expired.

A rate limit or an outage only delays an announcement, so /status is where an admin sees that
channels are behind (and why), and what was given up as too old to post.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.announce.outbox import OutboxHealth
from bot.replies import Moment, Paragraph, Span
from bot.sources.health import duration_text, moment_text


def describe(h: OutboxHealth, now: datetime, moments: list[Moment], zone: str = "UTC") -> list[Paragraph]:
    """The announcements paragraph, when there is anything to say; the time it shows is added to `moments`."""
    if not (h.pending or h.expired):
        return []
    parts = []
    if h.pending:
        text = f"{h.pending} waiting to be posted"
        if h.retrying:
            text += f", {h.retrying} of them retrying after the platform refused or failed"
            if h.last_error:
                text += f" (last: {h.last_error})"
        if h.oldest_due is not None:
            when = moment_text(h.oldest_due, zone)
            if all(m.fallback != when for m in moments):
                moments.append(Moment(h.oldest_due, when))
            text += f"; the oldest due since {when} ({duration_text(now - h.oldest_due)})"
        parts.append(text + ".")
    if h.expired:
        parts.append(f"{h.expired} expired unsent: the platform did not accept them while they were still news.")
    return [Paragraph.of(Span("Announcements", strong=True), ": " + " ".join(parts))]


def data(h: OutboxHealth) -> dict[str, Any]:
    return {"pending": h.pending, "retrying": h.retrying, "last_error": h.last_error, "expired": h.expired,
            "oldest_due": h.oldest_due.isoformat() if h.oldest_due else None}
