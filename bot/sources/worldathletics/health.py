"""How the source is doing, for a `/status` command and the 'source down' alert.

Times are the caller's `now` (aware datetimes), so tests need no clock. Error texts are ours
(they never carry the API key) and are cut short for display.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class SourceHealth:
    name: str
    last_success: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    failing_since: datetime | None = None  # first failure of the current run of failures
    next_poll: datetime | None = None
    circuit: str = "closed"  # closed, open, half-open

    def record_success(self, now: datetime) -> None:
        self.last_success = now
        self.failing_since = None

    def record_failure(self, now: datetime, error: str) -> None:
        self.last_error = error[:300]
        self.last_error_at = now
        if self.failing_since is None:
            self.failing_since = now

    def failing_for(self, now: datetime) -> timedelta | None:
        """How long the source has been failing without a success in between; None when healthy."""
        return None if self.failing_since is None else now - self.failing_since

    @property
    def ok(self) -> bool:
        return self.failing_since is None
