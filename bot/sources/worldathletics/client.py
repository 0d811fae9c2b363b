"""A slim async GraphQL client for the World Athletics API: only the operations racebot uses.

Every request has a timeout, goes through the circuit breaker, and is retried on network
errors, 429 and 5xx with jittered exponential backoff (Retry-After honoured). Answers are
validated (shapes.py) before anyone maps them. The API key travels in a header only: it is
never part of a message, an exception or a log line.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import date
from typing import Any, Callable, TypeVar

import httpx

from . import queries as q
from . import shapes
from .errors import AuthRejected, PayloadInvalid, QueryFailed, Transient, Unavailable
from .resilience import CircuitBreaker, Clock, Sleep, make_retrying, retry_after_seconds
from .settings import WASettings

log = logging.getLogger(__name__)
T = TypeVar("T")


class WAClient:
    def __init__(self, settings: WASettings, *, http: httpx.AsyncClient | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.settings = settings
        self._timeout = httpx.Timeout(settings.timeout_seconds)
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=self._timeout)
        self._sleep = sleep
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_reset_seconds, clock)
        self._logged: set[tuple[str, str]] = set()  # invalid payloads already reported

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    # --- the operations -------------------------------------------------------------------
    async def calendar_events(self, start: date, end: date, *, offset: int = 0, limit: int = 1000,
                              group_id: int | None = None) -> dict[str, Any]:
        variables = {"startDate": start.isoformat(), "endDate": end.isoformat(), "offset": offset,
                     "limit": limit, "hideCompetitionsWithNoResults": False, "competitionGroupId": group_id}
        return await self._run(q.CALENDAR_EVENTS, variables, shapes.calendar_events)

    async def competition_results(self, competition_id: int, day: int | None = None,
                                  event_id: int | None = None) -> dict[str, Any] | None:
        variables = {"competitionId": competition_id, "day": day, "eventId": event_id}
        return await self._run(q.COMPETITION_RESULTS, variables, shapes.competition_results)

    async def search_competitors(self, query: str) -> list[dict[str, Any]]:
        return await self._run(q.SEARCH_COMPETITORS, {"query": query}, shapes.search_competitors)

    async def competitor(self, wa_id: int) -> dict[str, Any] | None:
        return await self._run(q.COMPETITOR, {"id": wa_id}, shapes.competitor)

    async def competitor_results(self, wa_id: int, year: int) -> list[dict[str, Any]]:
        variables = {"id": wa_id, "resultsByYear": year, "resultsByYearOrderBy": "date"}
        return await self._run(q.COMPETITOR_RESULTS, variables, shapes.competitor_results)

    # --- plumbing -------------------------------------------------------------------------
    async def _run(self, operation: str, variables: dict[str, Any], check: Callable[[Any], T]) -> T:
        try:
            return check(await self.execute(operation, variables))
        except PayloadInvalid as exc:
            key = (exc.operation, exc.reason)
            if key not in self._logged:  # once per kind of breakage, not once per poll
                self._logged.add(key)
                log.warning("World Athletics %s: %s; ignoring it. Sample: %s", operation, exc.reason, exc.sample)
            raise

    async def execute(self, operation: str, variables: dict[str, Any]) -> Any:
        """POST one operation; returns the `data` object. Raises Unavailable, QueryFailed, PayloadInvalid."""
        s = self.settings
        retrying = make_retrying(attempts=s.retry_attempts, initial=s.backoff_initial_seconds,
                                 maximum=s.backoff_max_seconds, max_retry_after=s.max_retry_after_seconds,
                                 sleep=self._sleep)
        try:
            return await retrying(self._attempt, operation, variables)
        except Transient as exc:
            raise Unavailable(f"World Athletics {operation}: {exc}") from exc

    async def _attempt(self, operation: str, variables: dict[str, Any]) -> Any:
        self.breaker.before_request()
        body = {"operationName": operation, "query": q.QUERIES[operation], "variables": variables}
        headers = {"x-api-key": self.settings.api_key, "user-agent": self.settings.user_agent}
        try:
            response = await self._http.post(self.settings.endpoint, json=body, headers=headers,
                                             timeout=self._timeout)
        except httpx.TimeoutException as exc:
            self.breaker.record_failure()
            raise Transient(f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            self.breaker.record_failure()
            raise Transient(f"network error ({type(exc).__name__})") from None
        return self._read(operation, response)

    def _read(self, operation: str, response: httpx.Response) -> Any:
        status = response.status_code
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        if status == 429:
            self.breaker.record_success()  # it is alive, we are just too eager
            raise Transient("rate limited (HTTP 429)", retry_after=retry_after, status=status)
        if status >= 500:
            self.breaker.record_failure()
            raise Transient(f"HTTP {status}", retry_after=retry_after, status=status)
        if status in (401, 403):
            self.breaker.record_failure()
            raise AuthRejected(f"World Athletics {operation}: HTTP {status}: the API key or endpoint was "
                               "rejected (they rotate): set RACEBOT_WA_API_KEY / RACEBOT_WA_ENDPOINT")
        self.breaker.record_success()
        if status >= 400:
            raise QueryFailed(f"World Athletics {operation}: HTTP {status}")
        try:
            payload = response.json()
        except ValueError:
            raise PayloadInvalid(operation, "the body is not JSON", response.text[:200]) from None
        if not isinstance(payload, dict):
            raise PayloadInvalid(operation, "the body is not a JSON object", shapes.sample(payload))
        if payload.get("errors"):
            messages = "; ".join(str(e.get("message", e))[:120] for e in payload["errors"][:3]
                                 if isinstance(e, dict))
            raise QueryFailed(f"World Athletics {operation}: {messages or 'GraphQL error'}")
        return payload.get("data")
