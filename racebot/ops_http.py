"""`/healthz` and `/metrics` on `[ops] http_port`: what a load balancer, an orchestrator and
Prometheus ask a running racebot.

Its own aiohttp server, not the Slack HTTP mode's: that port faces Slack (the internet, behind a
load balancer), this one stays on loopback or a private network, and a process with no Slack
adapter has it too. Ready (200) only once the indexes are loaded and while the store answers;
503 with the reason while starting, stopping, or when the store does not answer in time.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from racebot.metrics import CONTENT_TYPE, Metrics

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)
STORE_TIMEOUT = 2.0  # a probe's answer within its usual few seconds, however stuck the store


class OpsServer:
    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        self.metrics, self.host, self.port = metrics, host, port
        self.core: Core | None = None  # set once opened: until then the process is starting
        self.stopping = False  # a rolling restart takes this replica out of rotation first
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Bind now (0: any free port, then in `port`); OSError when the port is taken."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        self.port = self._runner.addresses[0][1]
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def problem(self) -> str:
        """Why this process should get no traffic, or "" when it is ready."""
        if self.stopping:
            return "stopping"
        core = self.core
        if core is None:
            return "starting: the store is opening"
        if not core.loaded:
            return "starting: the indexes are loading"
        try:
            await asyncio.wait_for(core.store.change_head(), STORE_TIMEOUT)
        except asyncio.TimeoutError:
            return f"store not answering within {STORE_TIMEOUT:g} s"
        except Exception as exc:  # its class only: a driver's message may name hosts or users
            return f"store unreachable ({type(exc).__name__})"
        return ""

    async def _healthz(self, request: web.Request) -> web.Response:
        problem = await self.problem()
        if problem:
            return web.Response(status=503, text=f"not ready: {problem}\n")
        return web.Response(text="ok\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        pending = None
        if self.core is not None:
            try:
                health = await asyncio.wait_for(self.core.store.outbox_health(), STORE_TIMEOUT)
                pending = health.pending
            except Exception:  # the gauge says "unknown" (NaN); /healthz says why
                pending = None
        body = self.metrics.exposition(pending)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
