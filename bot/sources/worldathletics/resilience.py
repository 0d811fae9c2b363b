"""Retries with jittered exponential backoff (tenacity) and a circuit breaker.

Both take their time from outside: `sleep` for backoff waits and `clock` (monotonic seconds) for
the breaker, so tests run with no real waiting and the behaviour is the same in production.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_random_exponential

from .errors import CircuitOpen, Transient

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class CircuitBreaker:
    """Closed: requests flow. After `failures` consecutive failures it opens: requests fail fast
    with CircuitOpen. Every `reset_seconds` one trial request is let through (half-open); its
    success closes the circuit, its failure opens it for another period. So a dead API is asked
    at most once per `reset_seconds`, however often the scheduler polls."""

    def __init__(self, failures: int = 3, reset_seconds: float = 60.0, clock: Clock = time.monotonic) -> None:
        self.failures = max(1, failures)
        self.reset_seconds = reset_seconds
        self.clock = clock
        self._count = 0
        self._opened_at: float | None = None
        self._trial = False  # a half-open trial request is in flight

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._trial or self._retry_in() <= 0 else "open"

    def _retry_in(self) -> float:
        assert self._opened_at is not None
        return self._opened_at + self.reset_seconds - self.clock()

    def before_request(self) -> None:
        """Raise CircuitOpen unless a request may go out now."""
        if self._opened_at is None:
            return
        if self._trial or self._retry_in() > 0:
            raise CircuitOpen(max(self._retry_in(), 0.0))
        self._trial = True

    def record_success(self) -> None:
        self._count = 0
        self._opened_at = None
        self._trial = False

    def record_failure(self) -> None:
        self._count += 1
        if self._trial or self._count >= self.failures:
            self._opened_at = self.clock()
        self._trial = False


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Parse a Retry-After header: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # float() reads "٣" too, and refuses "²"
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return max((when - now).total_seconds(), 0.0)


class _Backoff:
    """Jittered exponential wait, unless the server said how long to wait (Retry-After)."""

    def __init__(self, initial: float, maximum: float) -> None:
        self._jitter = wait_random_exponential(multiplier=initial, max=maximum)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return exc.retry_after
        return self._jitter(state)


def make_retrying(*, attempts: int, initial: float, maximum: float, max_retry_after: float,
                  sleep: Sleep) -> AsyncRetrying:
    """Retry Transient errors only; a Retry-After longer than `max_retry_after` gives up at once."""

    def worth_retrying(exc: BaseException) -> bool:
        return isinstance(exc, Transient) and (exc.retry_after is None or exc.retry_after <= max_retry_after)

    return AsyncRetrying(
        sleep=sleep,
        stop=stop_after_attempt(max(1, attempts)),
        wait=_Backoff(initial, maximum),
        retry=retry_if_exception(worth_retrying),
        reraise=True,
    )
