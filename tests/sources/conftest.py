"""A fake World Athletics GraphQL server on 127.0.0.1 (port 0) that records every request,
serves the recorded fixtures by operationName, and fails on demand (503, 429, slow, malformed)."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web

from bot.announce.poller import Poller
from bot.sources.worldathletics import InMemoryFetchState, MonitoredSource, WASettings, WorldAthleticsSource

FIXTURES = Path(__file__).parents[1] / "fixtures" / "worldathletics"
CALENDAR = "getCalendarEvents_2021-07-14_2022-06-26.json"
API_KEY = "test-key-0123456789"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeWA:
    def __init__(self) -> None:
        self.requests: list[dict] = []  # {"op", "variables", "headers"}
        self.failures: list[tuple[int, dict]] = []  # answered first, in order, whatever is asked
        self.fail_when = None  # (op, variables) -> (status, headers) | None
        self.overrides: dict[tuple, object] = {}  # (op, competition_id, day) -> body
        self.delay = 0.0
        self._release = asyncio.Event()
        self._calendar = load(CALENDAR)["competitions"]  # the real file's wrapper: {query, competitions}
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/graphql", self.handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/graphql"

    async def stop(self) -> None:
        self._release.set()
        await self._runner.cleanup()

    def ops(self, op: str | None = None) -> list[dict]:
        return [r for r in self.requests if op is None or r["op"] == op]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        op, variables = body.get("operationName"), body.get("variables") or {}
        self.requests.append({"op": op, "variables": variables, "headers": dict(request.headers)})
        if self.delay:
            try:
                await asyncio.wait_for(self._release.wait(), self.delay)
            except asyncio.TimeoutError:
                pass
        failure = self.failures.pop(0) if self.failures else (self.fail_when(op, variables) if self.fail_when else None)
        if failure:
            status, headers = failure
            return web.Response(status=status, headers=headers, text='{"message": "unavailable"}')
        key = (op, variables.get("competitionId"), variables.get("day") or 1)
        answer = self.overrides.get(key, self.overrides.get((op,))) or self.answer(op, variables)
        if isinstance(answer, str):
            return web.Response(text=answer, content_type="application/json")
        return web.json_response(answer)

    def answer(self, op: str, v: dict) -> dict:
        if op == "GetCalendarEvents":  # pages like the real server: offset/limit over all hits
            page = self._calendar["data"]["getCalendarEvents"]
            start, limit = v.get("offset") or 0, v.get("limit") or len(page["results"])
            return {"data": {"getCalendarEvents": {**page, "results": page["results"][start:start + limit]}}}
        if op == "GetCalendarCompetitionResults":
            path = FIXTURES / f"getCalendarCompetitionResults_{v['competitionId']}_day{v.get('day') or 1}.json"
            return load(path.name) if path.exists() else {"data": {"getCalendarCompetitionResults": None}}
        if op == "SearchCompetitors":
            found = "nord" in (v.get("query") or "").lower()
            return load("searchCompetitors_nordas.json") if found else {"data": {"searchCompetitors": []}}
        if op == "GetSingleCompetitor":
            path = FIXTURES / f"getSingleCompetitor_{v['id']}.json"
            return load(path.name) if path.exists() else {"data": {"getSingleCompetitor": None}}
        if op == "GetSingleCompetitorResultsDate":
            path = FIXTURES / f"getSingleCompetitorResultsDate_{v['id']}_{v['resultsByYear']}.json"
            return load(path.name) if path.exists() else {"data": {"getSingleCompetitorResultsDate": None}}
        return {"errors": [{"message": f"unknown operation {op}"}]}


class Clock:
    """Injected monotonic clock for the circuit breaker."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture
async def wa_server():
    server = FakeWA()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture
async def make_source(wa_server, sleeps, clock):
    """make_source(state=None, **settings) -> a WorldAthleticsSource against the fake server.
    Backoff waits are recorded in `sleeps`, never slept."""
    made = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def factory(state=None, **overrides) -> WorldAthleticsSource:
        options = dict(endpoint=wa_server.url, api_key=API_KEY, retry_attempts=3, breaker_failures=3,
                       breaker_reset_seconds=60.0, timeout_seconds=2.0)
        options.update(overrides)
        source = WorldAthleticsSource(WASettings(**options), state if state is not None else InMemoryFetchState(),
                                      clock=clock, sleep=fake_sleep)
        made.append(source)
        return source

    yield factory
    for source in made:
        await source.aclose()


@pytest.fixture
def make_poller(make_source):
    """make_poller(store, source=None, alert_after=None, on_alert=None, **settings) -> the production
    path: the generic Poller driving a MonitoredSource (a new source for the store unless given)."""

    def factory(store, source=None, *, alert_after=None, on_alert=None, **overrides) -> Poller:
        watched = MonitoredSource(source or make_source(store, **overrides), store, alert_after=alert_after,
                                  on_alert=on_alert)
        return Poller(watched, store)

    return factory
