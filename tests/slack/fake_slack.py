"""A loopback stand-in for Slack: Web API, response_urls and a Socket Mode websocket.

It records what Slack would receive, answers like Slack does, and can be told to fail the next
call of a method (e.g. 429 with Retry-After), or every call a `fault` policy picks: a refusal
before any work, or a lost answer (`LOST_ACK`: the message is stored, then 500 is answered).
conversations.history and conversations.replies read back what was posted, metadata included
when asked for. Tests wait on its recordings with a bounded deadline (`wait_until`), never with sleeps.
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import WSMsgType, web
from fake_oauth import FakeOAuth

BOT_TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-test-app-token"
TEAM = "T0TEAM"
BOT_USER = "U0BOT"
LOST_ACK = "lost ack"  # a fault: store the message, then answer 500 as if the answer were lost
Fault = tuple[int, dict | str, dict] | str  # (status, body, headers) answered instead, or LOST_ACK


@dataclass
class Call:
    method: str
    args: dict
    token: str


@dataclass
class FakeSlack(FakeOAuth):
    users: dict[str, dict] = field(default_factory=dict)  # users.info answers by user id
    calls: list[Call] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)  # chat.postMessage arguments, in order
    responses: list[tuple[str, dict]] = field(default_factory=list)  # (response_url id, body)
    socket_acks: list[dict] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict | str, dict]]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)  # seconds a method takes to answer
    fault: Callable[[str, dict], Fault | None] | None = None  # asked for every Web API call
    clock: Callable[[], float] = time.time  # Slack's clock: message ts are its seconds
    # files.getUploadURLExternal -> upload -> files.completeUploadExternal: file id -> what arrived
    uploads: dict[str, dict] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)  # completed uploads, shared into a channel, in order
    not_in_channels: set[str] = field(default_factory=set)  # channels the bot was never invited to
    gone_users: set[str] = field(default_factory=set)  # users conversations.open refuses (deactivated)
    bot_tokens: dict[str, str] = field(default_factory=lambda: {BOT_TOKEN: TEAM})  # token -> its team

    def __post_init__(self) -> None:
        # What each response_url put in the channel (the first message through it), as replaced
        # since by clicks; and which shown message each click's response_url replaces.
        self.shown: dict[str, dict] = {}
        self._clicked: dict[str, str] = {}
        self._changed = asyncio.Condition()
        self._last_us = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._oauth_init()

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.add_routes([web.route("*", "/api/{method}", self._api),
                        web.post("/response/{rid}", self._response_url),
                        web.post("/upload/{fid}", self._upload),
                        web.get("/socket", self._socket), *self.oauth_routes()])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, rid: str) -> str:
        return f"{self.url}/response/{rid}"

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def fail_next(self, method: str, status: int, body: dict | str, headers: dict | None = None) -> None:
        self.failures.setdefault(method, []).append((status, body, headers or {}))

    async def wait_until(self, predicate, timeout: float = 5.0):
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _record(self, action) -> None:
        async with self._changed:
            action()
            self._changed.notify_all()

    # --- Web API --------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(await request.post())
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ")
        await self._record(lambda: self.calls.append(Call(method, args, token)))
        if method == "oauth.v2.access":  # the app's client id and secret, not a token
            return web.json_response(self.oauth_access(args, authorization))
        if method in self.delays:  # a slow Slack, to show the ack does not wait for the work
            await asyncio.sleep(self.delays[method])
        planned = self.failures[method].pop(0) if self.failures.get(method) else None
        planned = planned or (self.fault(method, args) if self.fault else None)
        if planned is not None and planned != LOST_ACK:
            status, body, headers = planned
            if isinstance(body, str):
                return web.Response(status=status, text=body, headers=headers)
            return web.json_response(body, status=status, headers=headers)
        valid = token == APP_TOKEN if method == "apps.connections.open" else token in self.bot_tokens
        if not valid:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        answer = await (self._auth_test(args, token) if method == "auth.test" else handler(args))
        if planned == LOST_ACK:
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        return web.json_response(answer)

    async def _auth_test(self, args: dict, token: str = BOT_TOKEN) -> dict:
        team = self.bot_tokens[token]
        if team == TEAM:
            return {"ok": True, "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT", "team": "Test"}
        return {"ok": True, "team_id": team, "user_id": f"U0BOT{team}", "bot_id": f"B0BOT{team}", "team": team}

    async def _conversations_open(self, args: dict) -> dict:
        user = str(args.get("users", ""))
        if user in self.gone_users:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": "D" + user}}

    async def _chat_postMessage(self, args: dict) -> dict:
        self._last_us = max(int(self.clock() * 1_000_000), self._last_us + 1)  # unique and rising, as Slack's are
        ts = f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"
        await self._record(lambda: self.posts.append(dict(args, ts=ts)))
        return {"ok": True, "channel": args["channel"], "ts": ts}

    async def _files_getUploadURLExternal(self, args: dict) -> dict:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        fid = f"F{len(self.uploads) + 1:08d}"
        self.uploads[fid] = {"filename": args["filename"], "length": int(args["length"]),
                             "alt_txt": args.get("alt_txt"), "data": None}
        return {"ok": True, "upload_url": f"{self.url}/upload/{fid}", "file_id": fid}

    async def _upload(self, request: web.Request) -> web.Response:
        entry = self.uploads.get(request.match_info["fid"])
        if entry is None:
            return web.Response(status=404, text="unknown upload")
        entry["data"] = await request.read()
        return web.Response(text=f"OK - {len(entry['data'])}")

    async def _files_completeUploadExternal(self, args: dict) -> dict:
        files = json.loads(args.get("files", "[]")) if isinstance(args.get("files"), str) else args.get("files", [])
        for f in files:
            entry = self.uploads.get(f.get("id", ""))
            if entry is None or entry["data"] is None or len(entry["data"]) != entry["length"]:
                return {"ok": False, "error": "file_upload_not_found"}  # never uploaded, or cut short
        channel = args.get("channel_id", "")
        if channel in self.not_in_channels:
            return {"ok": False, "error": "not_in_channel"}
        shared = [{**self.uploads[f["id"]], "id": f["id"], "title": f.get("title"), "channel": channel,
                   "initial_comment": args.get("initial_comment"), "thread_ts": args.get("thread_ts")} for f in files]
        await self._record(lambda: self.files.extend(shared))
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    async def _conversations_history(self, args: dict) -> dict:
        """Top-level messages of the channel since `oldest`, newest first, a page at a time."""
        return self._page([p for p in self.posts if p["channel"] == args.get("channel") and "thread_ts" not in p],
                          args)

    async def _conversations_replies(self, args: dict) -> dict:
        """A thread: its parent, then its replies, oldest first (as Slack orders them)."""
        ts, channel = args.get("ts"), args.get("channel")
        thread = [p for p in self.posts if p["channel"] == channel and ts in (p["ts"], p.get("thread_ts"))]
        return self._page(list(reversed(thread)), args)

    def _page(self, newest_first: list[dict], args: dict) -> dict:
        oldest = float(args.get("oldest") or 0)
        listed = [m for m in newest_first if float(m["ts"]) > oldest]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        page = [{"type": "message", "ts": m["ts"], "text": m.get("text", ""), "bot_id": "B0BOT",
                 **({"thread_ts": m["thread_ts"]} if "thread_ts" in m else {}),
                 **({"metadata": m["metadata"]} if with_metadata and "metadata" in m else {})}
                for m in listed[start:start + limit]]
        more = start + limit < len(listed)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    async def _users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": args["user"], **user}}

    async def _apps_connections_open(self, args: dict) -> dict:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "/socket"}

    # --- response_url ---------------------------------------------------------------------
    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        rid = request.match_info["rid"]

        def record() -> None:
            self.responses.append((rid, body))
            if body.get("replace_original"):
                key = self._clicked.get(rid, rid)
                if key in self.shown:
                    self.shown[key] = body
            elif rid not in self._clicked:  # a click's private word replaces nothing
                self.shown.setdefault(rid, body)
        await self._record(record)
        if self.failures.get("response_url"):
            status, text, headers = self.failures["response_url"].pop(0)
            return web.Response(status=status, text=str(text), headers=headers)
        return web.Response(text="ok")

    def block_actions(self, shown: str, *, user: str, rid: str, label: str = "", placeholder: str = "",
                      option: str = "", message_ts: float | None = None, channel: str = "C0TRACK") -> dict:
        """The block_actions payload Slack sends when `user` presses the button showing `label`
        (or picks the option whose text starts with `option` from the menu showing `placeholder`)
        on the message `shown` (a response_url id); the click's own response_url is `rid`."""
        message = self.shown[shown]
        found = [(b, e) for b in message.get("blocks", []) if b.get("type") == "actions" for e in b["elements"]]
        if label:
            block, e = next((b, e) for b, e in found if e["type"] == "button" and e["text"]["text"] == label)
            action = {"type": "button", "block_id": block["block_id"], "action_id": e["action_id"],
                      "text": e["text"], "value": e["value"]}
        else:
            block, e = next((b, e) for b, e in found
                            if e["type"] == "static_select" and e["placeholder"]["text"] == placeholder)
            chosen = next(o for o in e["options"] if o["text"]["text"].startswith(option))
            action = {"type": "static_select", "block_id": block["block_id"], "action_id": e["action_id"],
                      "selected_option": chosen, "placeholder": e["placeholder"]}
        self._clicked[rid] = shown
        ts = f"{message_ts if message_ts is not None else self.clock():.6f}"
        return {
            "type": "block_actions", "api_app_id": "A0APP", "token": "legacy-verification-token",
            "user": {"id": user, "username": "fan", "name": "fan", "team_id": TEAM},
            "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                          "is_ephemeral": message.get("response_type") == "ephemeral"},
            "trigger_id": f"1337.42.{rid}", "team": {"id": TEAM, "domain": "athletics"},
            "enterprise": None, "is_enterprise_install": False, "channel": {"id": channel, "name": "track"},
            "message": {"type": "message", "ts": ts, "bot_id": "B0BOT", "text": message.get("text", ""),
                        "blocks": message.get("blocks", [])},
            "state": {"values": {}}, "response_url": self.response_url(rid),
            "actions": [{**action, "action_ts": f"{self.clock():.6f}"}],
        }

    # --- Socket Mode ----------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await self._record(lambda: self._sockets.append(ws))
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                      "connection_info": {"app_id": "A0APP"}}))
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                data = json.loads(msg.data)
                await self._record(lambda data=data: self.socket_acks.append(data))
        return ws

    async def send_envelope(self, envelope: dict) -> None:
        await self.wait_until(lambda: bool(self._sockets))
        await self._sockets[-1].send_str(json.dumps(envelope))
