"""A fake Slack Web API on loopback that enforces rate limits the way a platform does (429 +
Retry-After) and counts what each channel received. Run in its own process so it does not
share the client's CPU:

    python bench/fake_platform.py --global-per-second 1000 --channel-per-5s 5
prints `port N`, then serves until stdin closes; GET /stats returns the counts as JSON.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter, deque

from aiohttp import web


class Limits:
    def __init__(self, per_second: float, channel_per_5s: int) -> None:
        self.per_second = per_second
        self.channel_per_5s = channel_per_5s
        self.window: deque[float] = deque()
        self.channels: dict[str, deque[float]] = {}

    def wait(self, channel: str, now: float) -> float:
        """Seconds the caller must wait, or 0 when this request may pass (and is counted)."""
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= self.per_second:
            return 1.0 - (now - self.window[0])
        recent = self.channels.setdefault(channel, deque())
        while recent and now - recent[0] >= 5.0:
            recent.popleft()
        if len(recent) >= self.channel_per_5s:
            return 5.0 - (now - recent[0])
        self.window.append(now)
        recent.append(now)
        return 0.0


def app(limits: Limits) -> web.Application:
    received: Counter = Counter()
    refused = Counter()
    times: list[float] = []

    async def post_message(request: web.Request) -> web.Response:
        form = dict(await request.post()) if request.content_type != "application/json" else await request.json()
        channel = str(form.get("channel", ""))
        delay = limits.wait(channel, time.monotonic())
        if delay > 0:
            refused["429"] += 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(max(1, round(delay)))})
        received[channel] += 1
        times.append(time.monotonic())
        return web.json_response({"ok": True, "channel": channel, "ts": f"{time.time():.6f}"})

    async def stats(_: web.Request) -> web.Response:
        span = (times[-1] - times[0]) if len(times) > 1 else 0.0
        return web.json_response({"channels": len(received), "messages": sum(received.values()),
                                  "duplicates": sum(n - 1 for n in received.values() if n > 1),
                                  "refused": refused["429"], "span_seconds": span})

    application = web.Application()
    application.router.add_post("/api/chat.postMessage", post_message)
    application.router.add_get("/stats", stats)
    return application


async def serve(limits: Limits) -> None:
    runner = web.AppRunner(app(limits), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"port {port}", flush=True)
    await asyncio.to_thread(sys.stdin.read)  # until the bench closes our stdin
    await runner.cleanup()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--global-per-second", type=float, default=1000)
    p.add_argument("--channel-per-5s", type=int, default=5)
    a = p.parse_args()
    asyncio.run(serve(Limits(a.global_per_second, a.channel_per_5s)))
