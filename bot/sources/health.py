"""How each result source is doing: what `/status` shows and the admin alert decides on.

The store keeps one SourceHealth per source (`HealthStore`), so the picture survives a restart:
a source that was failing before the restart is still failing since the same moment, and an
alert already sent is not sent again. Times are the caller's `now` (aware datetimes), so tests
need no clock. Error texts are ours (they never carry a key) and are cut short for display.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ERROR_CHARS = 300
LABELS = {"worldathletics": "World Athletics", "replay": "Replay"}


@dataclass
class SourceHealth:
    name: str
    last_success: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    failing_since: datetime | None = None  # first failure of the current run of failures
    next_poll: datetime | None = None
    circuit: str = "closed"  # closed, open, half-open
    alerted_since: datetime | None = None  # the failing run an admin was alerted about, until recovery

    def record_success(self, now: datetime) -> None:
        self.last_success = now
        self.failing_since = None

    def record_failure(self, now: datetime, error: str) -> None:
        self.last_error = error[:ERROR_CHARS]
        self.last_error_at = now
        if self.failing_since is None:
            self.failing_since = now

    def failing_for(self, now: datetime) -> timedelta | None:
        """How long the source has been failing without a success in between; None when healthy."""
        return None if self.failing_since is None else now - self.failing_since

    @property
    def ok(self) -> bool:
        return self.failing_since is None

    @property
    def polled(self) -> bool:
        """Whether anything was ever recorded (a fresh object has neither success nor error)."""
        return self.last_success is not None or self.last_error_at is not None


class HealthStore(Protocol):
    async def source_health(self) -> list[SourceHealth]:
        """Every source's stored health, by name."""
        ...

    async def save_source_health(self, health: SourceHealth) -> None:
        """Replace the stored health of `health.name`."""
        ...


# --- how to say it (shared by /status and the admin alert) -------------------------------------
def source_label(name: str) -> str:
    return LABELS.get(name, name)


def moment_text(at: datetime, zone: str = "UTC") -> str:
    """The fallback text of a Moment, in the asker's time zone when known (Slack says it; the
    console and Discord do not): renderers swap it for each reader's local time where they can."""
    try:
        local = at.astimezone(ZoneInfo(zone) if zone != "UTC" else timezone.utc)
    except (ValueError, ZoneInfoNotFoundError):  # a zone name we do not know: UTC, and say so
        local = at.astimezone(timezone.utc)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or 'UTC'}"


def duration_text(span: timedelta) -> str:
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes or not (days or hours) else ""]
    return " ".join(p for p in parts if p)
