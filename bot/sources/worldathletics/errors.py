"""What can go wrong talking to World Athletics, sorted by what the caller should do about it.

- `Transient`: worth retrying (network error, timeout, 429, 5xx). Retries happen inside the client;
  the caller only sees one when they are used up.
- `Unavailable`: the API cannot be used now (retries exhausted, circuit open, key rejected).
  Nothing was fetched; try again at the next poll.
- `PayloadInvalid`: the API answered, but not in the shape we know. Changes nothing: the caller
  drops that unit of work and keeps what it had.
- `QueryFailed`: the API answered with GraphQL errors (a query we send is no longer accepted).
"""
from __future__ import annotations


class WAError(Exception):
    """Base for every World Athletics source error; messages never contain the API key."""


class Transient(WAError):
    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class Unavailable(WAError):
    """Retries exhausted, circuit open or credentials rejected: nothing was fetched."""


class CircuitOpen(Unavailable):
    def __init__(self, retry_in: float) -> None:
        super().__init__(f"World Athletics API paused after repeated failures; next try in {retry_in:.0f} s")
        self.retry_in = retry_in


class AuthRejected(Unavailable):
    """401/403: the key (or host) rotated. Retrying will not help until config changes."""


class QueryFailed(WAError):
    """GraphQL `errors` in a 200 answer."""


class PayloadInvalid(WAError):
    """The answer does not have the expected shape; treat as 'changes nothing'."""

    def __init__(self, operation: str, reason: str, sample: str = "") -> None:
        super().__init__(f"{operation}: unexpected payload ({reason})")
        self.operation = operation
        self.reason = reason
        self.sample = sample
