"""The fake Discord's gateway: HELLO, IDENTIFY -> READY, heartbeat ACKs, then DISPATCHes.

Frames are plain JSON text; discord.py asks for zlib-stream compression but only inflates
binary frames, so text frames are valid for it.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import WSMsgType, web

from fake_discord_payloads import APP_ID, BOT_USER

HELLO, HEARTBEAT, IDENTIFY, HEARTBEAT_ACK, DISPATCH = 10, 1, 2, 11, 0


@dataclass
class _Socket:
    ws: web.WebSocketResponse
    shard: list[int] = field(default_factory=lambda: [0, 1])
    seq: int = 0
    ready: bool = False


class FakeGateway:
    def __init__(self, url: Callable[[], str]) -> None:
        self._url = url
        self.identifies: list[dict] = []  # IDENTIFY payloads, in order
        self._sockets: list[_Socket] = []
        self._changed = asyncio.Condition()

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        sock = _Socket(ws)
        self._sockets.append(sock)
        await self._send(sock, HELLO, {"heartbeat_interval": 41250})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                if payload["op"] == HEARTBEAT:
                    await self._send(sock, HEARTBEAT_ACK, None)
                elif payload["op"] == IDENTIFY:
                    await self._ready(sock, payload["d"])
        finally:
            async with self._changed:
                self._sockets.remove(sock)
                self._changed.notify_all()
        return ws

    async def dispatch(self, event: str, data: dict, shard: int = 0) -> float:
        """Send a DISPATCH to the shard's connection; returns the monotonic send time."""
        sock = next(s for s in self._sockets if s.ready and s.shard[0] == shard)
        sent = time.monotonic()
        await self._send(sock, DISPATCH, data, event)
        return sent

    async def wait_ready(self, shards: int = 1, timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: sum(s.ready for s in self._sockets) >= shards), timeout)

    async def wait_closed(self, timeout: float = 5.0) -> None:
        """Until every client has disconnected."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: not self._sockets), timeout)

    async def close(self) -> None:
        for sock in list(self._sockets):
            await sock.ws.close()

    async def _ready(self, sock: _Socket, identify: dict) -> None:
        self.identifies.append(identify)
        sock.shard = identify.get("shard", [0, 1])
        ready = {"v": 10, "user": BOT_USER, "guilds": [], "session_id": f"session-{sock.shard[0]}",
                 "resume_gateway_url": self._url(), "shard": sock.shard,
                 "application": {"id": APP_ID, "flags": 0}}
        await self._send(sock, DISPATCH, ready, "READY")
        async with self._changed:
            sock.ready = True
            self._changed.notify_all()

    async def _send(self, sock: _Socket, op: int, data: object, event: str | None = None) -> None:
        seq = None
        if op == DISPATCH:
            sock.seq += 1
            seq = sock.seq
        await sock.ws.send_str(json.dumps({"op": op, "d": data, "s": seq, "t": event}))
