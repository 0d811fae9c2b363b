"""A person's browser through Slack's install flow, for tests: racebot's install link, the fake's
consent screen, back to racebot's redirect; and what the store then holds."""
from __future__ import annotations

import asyncio
import inspect
import sqlite3

import aiohttp


def browser(adapter) -> aiohttp.ClientSession:
    """Keeps the state's cookie as a browser would: racebot sets it Secure (it runs behind TLS), and
    this loopback origin stands in for the HTTPS one."""
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[f"http://127.0.0.1:{adapter.port}"])
    return aiohttp.ClientSession(cookie_jar=jar)


async def install(adapter, team: str) -> tuple[int, str]:
    """The whole flow, redirects followed: (status, page) of racebot's last answer."""
    async with browser(adapter) as session:
        async with session.get(f"http://127.0.0.1:{adapter.port}/slack/install?team={team}") as resp:
            return resp.status, await resp.text()


async def returns(adapter, session: aiohttp.ClientSession, team: str) -> str:
    """The flow by hand up to the redirect back to racebot: that URL (with code and state)."""
    async with session.get(f"http://127.0.0.1:{adapter.port}/slack/install?team={team}",
                           allow_redirects=False) as resp:
        assert resp.status == 302
        consent = resp.headers["Location"]
    async with session.get(consent, allow_redirects=False) as resp:
        assert resp.status == 302
        return resp.headers["Location"]


def installs(core) -> list[tuple]:
    """(org, workspace, secret) of every install in the core's SQLite store."""
    with sqlite3.connect(core.store.path) as conn:
        return conn.execute("SELECT org, workspace, secret FROM installs ORDER BY workspace").fetchall()


async def until(predicate, timeout: float = 5.0) -> None:
    """Waits for what a listener does after its ack, within a bound; `predicate` may be async."""
    async with asyncio.timeout(timeout):
        while True:
            held = predicate()
            if await held if inspect.isawaitable(held) else held:
                return
            await asyncio.sleep(0.01)
