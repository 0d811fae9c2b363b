"""HTTP mode: an aiohttp server on `[slack] http_host:http_port` handing Slack's POSTs to bolt.

bolt's own AsyncSlackAppServer only offers a blocking `run_app`; we need to start and stop inside
the running loop and learn the bound port (port 0 in tests), so we run an AppRunner ourselves.
Signature checks (X-Slack-Signature, stale timestamps) happen in bolt's request verification;
replays of a request that passed them, and timestamps that are not numbers, are refused before
(adapters.slack.seen_requests). With the install flow on (adapters/slack/oauth.py), a browser's
GET of the install path or the redirect path goes to bolt's OAuth flow: no signature there, the
flow's state and cookie are the check.
"""
from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from adapters.slack.seen_requests import ReplayGuard

log = logging.getLogger(__name__)


class EventsServer:
    def __init__(self, app: AsyncApp, host: str, port: int, path: str, guard: ReplayGuard) -> None:
        self._app = app
        self._guard = guard
        self._host, self._port, self._path = host, port, path
        self._runner: web.AppRunner | None = None
        self.port = 0  # the bound port, known after start()

    async def start(self) -> None:
        web_app = web.Application()
        web_app.add_routes([web.post(self._path, self._handle)])
        flow = self._app.oauth_flow
        if flow is not None:
            web_app.add_routes([web.get(flow.install_path, self._install), web.get(flow.redirect_uri_path, self._redirect)])
        self._runner = web.AppRunner(web_app, access_log=None)  # access logs would repeat every request
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("Slack HTTP mode listening on %s:%d%s", self._host, self.port, self._path)

    async def _handle(self, request: web.Request) -> web.Response:
        refused = await self._guard.refusal(await request.text(), request.headers)
        if refused is not None:
            return web.Response(status=refused)
        bolt_resp = await self._app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_resp)

    async def _install(self, request: web.Request) -> web.Response:
        assert self._app.oauth_flow is not None
        return await to_aiohttp_response(await self._app.oauth_flow.handle_installation(await to_bolt_request(request)))

    async def _redirect(self, request: web.Request) -> web.Response:
        assert self._app.oauth_flow is not None
        return await to_aiohttp_response(await self._app.oauth_flow.handle_callback(await to_bolt_request(request)))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
