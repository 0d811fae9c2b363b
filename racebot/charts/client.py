"""The bot's side of the chart worker: one child process, one drawing at a time, a small cache.

A drawing is cached per (chart key, data version): the key names the pair and filters (or the
race), and the version is the store's change-feed position, so a new import draws afresh and a
repeated /h2h costs nothing. Whatever goes wrong (the worker cannot start, dies, is slow, or
refuses a spec) costs only the picture: `draw` answers None and the reply goes without it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import struct
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from bot.replies import Chart, thawed

log = logging.getLogger(__name__)
HEADER = struct.Struct(">I")
START_SECONDS = 60.0  # a first run builds matplotlib's font cache: slow once, on a busy machine
DRAW_SECONDS = 10.0
RESTART_AFTER = 60.0  # a worker that would not start is tried again only this long after


@dataclass
class Drawn:
    png: bytes
    meta: dict[str, Any] = field(default_factory=dict)  # what was plotted, ms, cpu_ms, rss_kb


class ChartWorker:
    def __init__(self, *, cache_size: int = 128, draw_seconds: float = DRAW_SECONDS,
                 wait_for_start: bool = True) -> None:
        self.cache_size = cache_size
        self.draw_seconds = draw_seconds
        # False for the bot: an answer never waits for the worker's start-up (seconds); until it is
        # ready, answers go without charts and a start is under way. True where the chart was asked for.
        self.wait_for_start = wait_for_start
        self._starting: asyncio.Task[None] | None = None
        self.started: dict[str, Any] = {}  # the worker's ready frame: start_ms, start_cpu_ms, rss_kb
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()  # one request on the pipe at a time
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._ready = False
        self._broken_until = 0.0  # loop time before which no start is tried (answers go without charts)

    async def start(self) -> None:
        """Start the worker now (else the first chart does): its start-up is then off every answer."""
        async with self._lock:
            try:
                await self._ensure()
            except (OSError, ValueError, asyncio.TimeoutError, asyncio.IncompleteReadError) as exc:
                log.warning("chart worker did not start (%s): answers go without charts", type(exc).__name__)

    async def draw(self, chart: Chart, version: int) -> bytes | None:
        """The chart's PNG, or None when it could not be drawn (logged)."""
        key = (chart.key, version)
        png = self._cache.get(key)
        if png is not None:
            self._cache.move_to_end(key)
            return png
        drawn = await self.drawn(chart)
        if drawn is None:
            return None
        self._cache[key] = drawn.png
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return drawn.png

    async def drawn(self, chart: Chart) -> Drawn | None:
        """Draw without the cache, with what the worker says it plotted (tests and bench/chart.py)."""
        if not self.wait_for_start and not self.ready:
            if self._starting is None or self._starting.done():
                self._starting = asyncio.create_task(self.start(), name="racebot-chart-worker")
            return None
        request = json.dumps({"kind": chart.kind, "spec": thawed(chart.spec)}).encode()
        async with self._lock:
            try:
                proc = await self._ensure()
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(HEADER.pack(len(request)) + request)
                await proc.stdin.drain()
                meta = json.loads(await asyncio.wait_for(_frame(proc.stdout), self.draw_seconds))
                png = await asyncio.wait_for(_frame(proc.stdout), self.draw_seconds)
            except (OSError, EOFError, ValueError, asyncio.TimeoutError, asyncio.IncompleteReadError) as exc:
                log.warning("chart worker failed (%s); answering without the chart", type(exc).__name__)
                await self._stop()  # a worker out of step with us cannot be trusted with the next request
                return None
            except BaseException:  # cancelled mid-answer: the pipe is out of step, so this worker goes
                self._kill()
                raise
        if not meta.get("ok"):
            log.error("chart %s not drawn: %s", chart.key, meta.get("error"))
            return None
        return Drawn(png, meta)

    async def close(self) -> None:
        if self._starting is not None:
            self._starting.cancel()
        async with self._lock:
            await self._stop()

    @property
    def ready(self) -> bool:
        """Started, said so, and still running."""
        return self._ready and self.pid is not None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc and self._proc.returncode is None else None

    async def _ensure(self) -> asyncio.subprocess.Process:
        if self._proc is not None and self._proc.returncode is None:
            return self._proc
        loop = asyncio.get_running_loop()
        if loop.time() < self._broken_until:
            raise OSError("chart worker failed to start recently")
        self._ready = False
        env = {**os.environ, "MPLBACKEND": "Agg"}
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "racebot.charts.worker", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, env=env)
        assert self._proc.stdout is not None
        try:
            self.started = json.loads(await asyncio.wait_for(_frame(self._proc.stdout), START_SECONDS))
            self._ready = True
        except BaseException:
            self._broken_until = loop.time() + RESTART_AFTER
            self._kill()
            raise
        log.info("chart worker %s ready in %.0f ms (%.0f MB)", self._proc.pid, self.started.get("start_ms", 0),
                 self.started.get("rss_kb", 0) / 1024)
        return self._proc

    async def _stop(self) -> None:
        self._ready = False
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        assert proc.stdin is not None
        proc.stdin.close()  # the worker's read loop ends on EOF
        try:
            await asyncio.wait_for(proc.wait(), 5.0)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()


    def _kill(self) -> None:
        self._ready = False
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            proc.kill()  # reaped by asyncio's child watcher


async def _frame(stream: asyncio.StreamReader) -> bytes:
    size = HEADER.unpack(await stream.readexactly(HEADER.size))[0]
    return await stream.readexactly(size)
