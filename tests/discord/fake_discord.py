"""A fake Discord on loopback: the REST routes racebot's adapter uses, plus the gateway.

Records every request body as Discord would receive it; answers in Discord's documented shapes
(Content-Type exactly `application/json`: discord.py parses nothing else); enforces what the
tests rely on (3-second interaction deadline, one initial response, nonce de-duplication within
`nonce_seconds`, size limits); can fail the next matching requests (429, 5xx, 403, 404) when told
to, or every request a `fault` policy picks, including a lost answer to a created message
(LOST_ACK: created, then 500; DROPPED: created, then the connection is cut). GET channel
messages reads back what was created, newest first.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from aiohttp import web

import fake_discord_payloads as shapes
from fake_discord_gateway import FakeGateway
from fake_discord_payloads import (APP_ID, BOT_USER, CHANNEL_ID, GUILD_ID, MANAGE_CHANNELS,  # noqa: F401
                                   MEMBER_PERMISSIONS, command_problems, message_problems)

TOKEN = "fake-bot-token.not-a-secret"
API = "/api/v10"
GATEWAY_PATH = "/gateway-ws"
DEADLINE = 3.0  # seconds Discord waits for an interaction's first response
LOST_ACK, DROPPED = "lost ack", "dropped"  # faults: the message is created, its answer lost


@dataclass
class Recorded:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    status: int = 0
    peer: int = 0  # the client's port: one connection is one client's (several processes, one fake)


@dataclass
class _Plan:
    method: str
    pattern: re.Pattern
    status: int
    body: Any
    headers: dict[str, str]
    after: int = 0


def refusal(status: int, body: Any, headers: dict[str, str] | None = None) -> _Plan:
    """An answer a `fault` policy can return instead of handling the request."""
    return _Plan("", re.compile(""), status, body, headers or {})


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.commands: dict[str, list[dict]] = {}  # "global" or guild id -> synced commands
        self.channel_messages: dict[str, list[dict]] = {}  # created messages, by channel
        self.messages: dict[str, dict] = {}  # every message as it now stands (after edits), by id
        self.unknown_channels: set[str] = set()
        self.forbidden_channels: set[str] = set()
        self.dm_channels: dict[str, str] = {}  # user id -> their DM channel id, as POST /users/@me/channels made it
        self.closed_dms: set[str] = set()  # user ids who take no DMs from the bot: 403 50007 on send
        self._plans: deque[_Plan] = deque()
        self._bodies: dict[int, Any] = {}
        self._ids = itertools.count(1200000000000000000)
        self._message_seq = itertools.count(1)  # keeps ids made in one millisecond apart
        self._nonces: dict[tuple[str, str], tuple[float, dict]] = {}  # -> (created at, message)
        self._interactions: dict[str, dict] = {}  # token -> state
        self.gateway = FakeGateway(lambda: self.gateway_url)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.recommended_shards = 1  # what GET /gateway/bot advises
        self.max_concurrency = 1  # shards that may IDENTIFY at once (discord.py waits 5 s between buckets)
        self.advertised_gateway: str | None = None  # the URL it advertises (default: ours)
        # (method, path) -> a _Plan answered instead, LOST_ACK, DROPPED, or None: asked for every REST call
        self.fault: Callable[[str, str], _Plan | str | None] | None = None
        self.nonce_seconds: float | None = None  # how long a nonce de-duplicates (None: for ever)
        self.clock: Callable[[], float] = time.monotonic  # Discord's clock, for nonce_seconds
        self.create_delay = 0.0  # seconds a channel message takes to be created (a slow Discord)

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self) -> "FakeDiscord":
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get(GATEWAY_PATH, self.gateway.serve)
        r.add_get(API + "/gateway/bot", self._gateway_bot)
        r.add_get(API + "/gateway", self._gateway_bot)
        r.add_get(API + "/users/@me", self._me)
        r.add_get(API + "/oauth2/applications/@me", self._app_info)
        r.add_put(API + "/applications/{app}/commands", self._put_commands)
        r.add_put(API + "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        r.add_post(API + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_post(API + "/webhooks/{app}/{token}", self._followup)
        r.add_patch(API + "/webhooks/{app}/{token}/messages/{mid}", self._edit_original)
        r.add_delete(API + "/webhooks/{app}/{token}/messages/{mid}", self._delete_original)
        r.add_post(API + "/channels/{cid}/messages", self._channel_message)
        r.add_post(API + "/users/@me/channels", self._open_dm)
        r.add_get(API + "/channels/{cid}/messages", self._channel_history)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started just above
        return self

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    # --- scripting ----------------------------------------------------------------------
    def fail_next(self, method: str, path_regex: str, status: int, body: Any = None,
                  headers: dict[str, str] | None = None, *, after: int = 0) -> None:
        """Answer the next request matching `method path_regex` (once `after` more have passed)
        with this status instead."""
        self._plans.append(_Plan(method, re.compile(path_regex), status, body, headers or {}, after))

    def rate_limit_next(self, method: str, path_regex: str, retry_after: float, *, via: bool = True) -> None:
        """A per-route 429 as Discord sends it (real ones come through Google's proxy: `Via`)."""
        headers = {"Retry-After": str(max(1, round(retry_after))), "X-RateLimit-Scope": "user"}
        if via:
            headers["Via"] = "1.1 google"
        self.fail_next(method, path_regex, 429,
                       {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                       headers)

    async def wait_for(self, predicate: Callable[[Recorded], bool], timeout: float = 5.0) -> Recorded:
        """The first recorded request matching `predicate`, waiting up to `timeout` seconds."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: any(predicate(r) for r in self.requests)), timeout)
        return next(r for r in self.requests if predicate(r))

    def requests_to(self, method: str, path_regex: str) -> list[Recorded]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.search(r.path)]

    # --- gateway ------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict, shard: int = 0) -> float:
        """Send a DISPATCH on the shard's connection; returns the monotonic send time."""
        if event == "INTERACTION_CREATE":
            self._interactions[data["token"]] = {"id": data["id"], "type": data["type"], "at": time.monotonic(),
                                                 "responded": False, "original": None,
                                                 "message": (data.get("message") or {}).get("id")}
        return await self.gateway.dispatch(event, data, shard)

    async def wait_connected(self, shards: int = 1, timeout: float = 5.0) -> None:
        await self.gateway.wait_ready(shards, timeout)

    # --- REST ---------------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path == GATEWAY_PATH:
            return await handler(request)
        body = await shapes.read_body(request)
        rec = Recorded(request.method, request.path.removeprefix(API), dict(request.query), body,
                       {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")})
        peer = request.transport.get_extra_info("peername") if request.transport else None
        rec.peer = peer[1] if peer else 0
        needs_auth = not rec.path.startswith(("/webhooks/", "/interactions/"))
        plan = self._take_plan(rec) or (self.fault(rec.method, rec.path) if self.fault else None)
        lost = plan if plan in (LOST_ACK, DROPPED) else None
        plan = None if lost else plan
        if needs_auth and request.headers.get("Authorization") != f"Bot {TOKEN}":
            response = self._json({"message": "401: Unauthorized", "code": 0}, 401)
        elif plan is not None:
            response = self._json(plan.body or {"message": "planned failure", "code": 0}, plan.status,
                                  plan.headers)
        else:
            self._bodies[id(request)] = rec.body  # handlers read the body the middleware consumed
            try:
                response = await handler(request)
            finally:
                del self._bodies[id(request)]
            if lost and response.status == 200:
                if lost == DROPPED and request.transport is not None:
                    request.transport.close()  # created; the client sees the connection cut
                response = self._json({"message": "500: Internal Server Error", "code": 0}, 500)
        rec.status = response.status
        async with self._changed:
            self.requests.append(rec)
            self._changed.notify_all()
        return response

    def _take_plan(self, rec: Recorded) -> _Plan | None:
        for plan in self._plans:
            if plan.method == rec.method and plan.pattern.search(rec.path):
                if plan.after:
                    plan.after -= 1
                    return None
                self._plans.remove(plan)
                return plan
        return None

    async def _me(self, request: web.Request) -> web.Response:
        return self._json(BOT_USER)

    async def _app_info(self, request: web.Request) -> web.Response:
        return self._json(shapes.application())

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return self._json({"url": self.advertised_gateway or self.gateway_url, "shards": self.recommended_shards, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": self.max_concurrency}})

    async def _put_commands(self, request: web.Request) -> web.Response:
        body = self._bodies[id(request)]
        problems = command_problems(body)
        if problems:
            return self._invalid(problems)
        scope = request.match_info.get("guild", "global")
        self.commands[scope] = [{**c, "id": str(next(self._ids)), "application_id": APP_ID, "version": "1"}
                                for c in body]
        return self._json(self.commands[scope])

    async def _callback(self, request: web.Request) -> web.Response:
        state = self._interactions.get(request.match_info["token"])
        if state is None or time.monotonic() - state["at"] > DEADLINE:
            return self._json({"message": "Unknown interaction", "code": 10062}, 404)
        if state["responded"]:
            return self._json({"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
        body = self._bodies[id(request)]
        kind, data = body["type"], body.get("data") or {}
        if body.get("files"):  # multipart: the uploads travel beside payload_json's data
            data = {**data, "files": body["files"]}
        if kind == 4:
            problems = message_problems(data)
            if problems:
                return self._invalid(problems)
        if kind in (6, 7) and state["type"] != 3:
            return self._json({"message": "Interaction response type only for components", "code": 50035}, 400)
        if kind == 7:  # UPDATE_MESSAGE: the component's message, edited in place
            clicked = self.messages.get(state["message"])
            if clicked is None:
                return self._json({"message": "Unknown Message", "code": 10008}, 404)
            problems = message_problems({**clicked, **data})
            if problems:
                return self._invalid(problems)
            clicked.update({k: v for k, v in data.items() if k in ("content", "embeds", "components")})
        state["responded"] = True
        flags = data.get("flags", 0)
        answer: dict[str, Any] = {"interaction": {
            "id": state["id"], "type": state["type"], "activity_instance_id": None,
            "response_message_id": None, "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64)}}
        if kind in (4, 5):
            state["original"] = self._new_message(CHANNEL_ID, data if kind == 4 else {"flags": flags | 128})
            answer["interaction"]["response_message_id"] = state["original"]["id"]
            answer["resource"] = {"type": kind, "message": state["original"]}
        elif kind in (6, 7):  # later edits of "@original" edit the component's message
            state["original"] = self.messages.get(state["message"])
            if kind == 7 and state["original"] is not None:
                answer["resource"] = {"type": kind, "message": state["original"]}
        return self._json(answer)

    async def _followup(self, request: web.Request) -> web.Response:
        if request.match_info["token"] not in self._interactions:
            return self._json({"message": "Unknown Webhook", "code": 10015}, 404)
        body = self._bodies[id(request)]
        problems = message_problems(body)
        return self._invalid(problems) if problems else self._json(self._new_message(CHANNEL_ID, body))

    async def _edit_original(self, request: web.Request) -> web.Response:
        state = self._interactions.get(request.match_info["token"])
        if state is None or state["original"] is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        body = self._bodies[id(request)]
        merged = {**state["original"], **{k: v for k, v in body.items() if k in ("content", "embeds", "components")}}
        # An edit's `attachments` lists what stays (by id); its files are added as new attachments.
        keep = {str(a.get("id")) for a in body.get("attachments") or []} if "attachments" in body else None
        kept = [a for a in state["original"].get("attachments", []) if keep is None or a["id"] in keep]
        merged["attachments"] = kept + shapes.attachments(state["original"]["id"], body)
        problems = message_problems({**merged, "files": body.get("files"), "kept": kept})
        if problems:
            return self._invalid(problems)
        state["original"].update(merged, flags=merged.get("flags", 0) & ~128)  # the message itself changes
        return self._json(state["original"])

    async def _delete_original(self, request: web.Request) -> web.Response:
        state = self._interactions.get(request.match_info["token"])
        if state is None or state["original"] is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        state["original"] = None
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        """A DM channel with a user, the same one each time, as Discord gives it."""
        uid = str(self._bodies[id(request)]["recipient_id"])
        cid = self.dm_channels.setdefault(uid, str(next(self._ids)))
        return self._json({"id": cid, "type": 1, "last_message_id": None,
                           "recipients": [{"id": uid, "username": f"user{uid}", "discriminator": "0",
                                           "global_name": None, "avatar": None}]})

    async def _channel_message(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        if cid in {self.dm_channels.get(u) for u in self.closed_dms}:
            return self._json({"message": "Cannot send messages to this user", "code": 50007}, 403)
        if cid in self.unknown_channels:
            return self._json({"message": "Unknown Channel", "code": 10003}, 404)
        if cid in self.forbidden_channels:
            return self._json({"message": "Missing Access", "code": 50001}, 403)
        body = self._bodies[id(request)]
        problems = message_problems(body)
        if problems:
            return self._invalid(problems)
        if self.create_delay:
            await asyncio.sleep(self.create_delay)
        nonce = body.get("nonce")
        enforced = nonce is not None and body.get("enforce_nonce")
        earlier = self._nonces.get((cid, nonce)) if enforced else None
        if earlier is not None and (self.nonce_seconds is None or self.clock() - earlier[0] <= self.nonce_seconds):
            # Discord returns the message already created with this nonce instead of a new one.
            return self._json(earlier[1])
        message = self._new_message(cid, body)
        self.channel_messages.setdefault(cid, []).append(message)
        if enforced:
            self._nonces[(cid, nonce)] = (self.clock(), message)
        return self._json(message)

    async def _channel_history(self, request: web.Request) -> web.Response:
        """The latest messages first; `before` (an id) and `limit` (1-100) as Discord takes them."""
        cid = request.match_info["cid"]
        if cid in self.unknown_channels:
            return self._json({"message": "Unknown Channel", "code": 10003}, 404)
        if cid in self.forbidden_channels:
            return self._json({"message": "Missing Access", "code": 50001}, 403)
        limit = min(max(int(request.query.get("limit", 50)), 1), 100)
        before = int(request.query.get("before", 0)) or None
        newest = [m for m in reversed(self.channel_messages.get(cid, [])) if before is None or int(m["id"]) < before]
        return self._json(newest[:limit])

    def interaction(self, command: str, options: list[dict], *, autocomplete: bool = False,
                    permissions: int = MEMBER_PERMISSIONS, user_name: str = "fan", user_id: str = "") -> dict:
        """A new INTERACTION_CREATE payload, shaped as Discord documents it."""
        return shapes.interaction(str(next(self._ids)), user_id or str(next(self._ids)), command, options,
                                  autocomplete=autocomplete, permissions=permissions, user_name=user_name)

    def answer_message(self, payload: dict) -> dict | None:
        """The message an interaction's answer made (or a click edited), as it now stands."""
        return self._interactions[payload["token"]]["original"]

    def click(self, message: dict, custom_id: str, values: list[str] | None = None, *, user_id: str,
              permissions: int = MEMBER_PERMISSIONS, user_name: str = "fan") -> dict:
        """A component interaction on `message` as Discord holds it: the button with `custom_id`
        pressed, or (with `values`) those options picked from the select with that id. Refuses,
        as Discord's client would, a component the message does not show."""
        shown = [c for row in message.get("components", []) for c in row.get("components", [])]
        component = next((c for c in shown if c.get("custom_id") == custom_id), None)
        assert component is not None, f"no component {custom_id!r} on the message"
        if values is not None:
            assert set(values) <= {o["value"] for o in component.get("options", [])}, "not an option of the menu"
        return shapes.component_interaction(str(next(self._ids)), user_id, message, custom_id, values,
                                            permissions=permissions, user_name=user_name)

    # --- helpers ------------------------------------------------------------------------
    def _new_message(self, channel_id: str, body: dict) -> dict:
        # Ids say when a message was made, as Discord's do (discord.py reads created_at from them).
        made = int(shapes.snowflake(datetime.now(timezone.utc))) + next(self._message_seq)
        message = shapes.message(str(made), channel_id, body)
        self.messages[message["id"]] = message
        return message

    def _json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        # Exactly `application/json`: discord.py compares the header verbatim before parsing.
        # Uploaded bytes stay in the recordings (a message's attachments keep them): not in answers.
        return web.Response(body=json.dumps(data, default=lambda _bytes: None).encode(), status=status,
                            headers={"Content-Type": "application/json", **(headers or {})})

    def _invalid(self, problems: list[str]) -> web.Response:
        return self._json({"message": "Invalid Form Body", "code": 50035, "errors": problems}, 400)
