"""Discord's documented JSON shapes and limits, for the fake Discord (fake_discord.py).

Written out from Discord's API docs, independently of the adapter's own limits module, so a
renderer bug cannot hide behind the same bug in its checker.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

APP_ID = "1100000000000000001"
GUILD_ID = "1100000000000000002"
CHANNEL_ID = "1100000000000000003"
MANAGE_CHANNELS = 1 << 4
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use app commands

BOT_USER = {"id": APP_ID, "username": "racebot", "discriminator": "0", "global_name": None,
            "avatar": None, "bot": True, "public_flags": 0, "flags": 0}


def message(message_id: str, channel_id: str, body: dict) -> dict:
    """A message object as Discord returns it after a create."""
    return {"id": message_id, "type": 0, "channel_id": channel_id, "author": BOT_USER,
            "content": body.get("content") or "", "timestamp": datetime.now(timezone.utc).isoformat(),
            "edited_timestamp": None, "tts": False, "mention_everyone": pings_everyone(body),
            "mentions": [], "mention_roles": [], "attachments": attachments(message_id, body),
            "embeds": body.get("embeds") or [],
            "pinned": False, "flags": body.get("flags", 0), "components": body.get("components") or [],
            "nonce": body.get("nonce")}


def snowflake(at: datetime) -> str:
    """An id Discord would have made at `at` (milliseconds since Discord's epoch, shifted 22 bits)."""
    return str((int(at.timestamp() * 1000) - 1420070400000) << 22)


def attachments(message_id: str, body: dict) -> list[dict]:
    """Uploaded files as a message's attachments: `files[n]` parts matched to payload_json's
    `attachments` entries by id n (their description is the alt text). An edit without files keeps
    the attachments it lists by id."""
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    out = []
    for f in body.get("files") or []:
        n = (f["name"] or "").removeprefix("files[").removesuffix("]")
        meta = described.get(n, {})
        out.append({"id": f"{message_id}{n}", "filename": meta.get("filename") or f["filename"], "size": f["size"],
                    "content_type": f["content_type"] or "application/octet-stream",
                    "description": meta.get("description"),
                    "url": f"https://cdn.example/attachments/{message_id}/{f['filename']}",
                    "proxy_url": f"https://media.example/attachments/{message_id}/{f['filename']}",
                    "data": f["data"]})
    return out


def application() -> dict:
    return {"id": APP_ID, "name": "racebot", "icon": None, "description": "", "rpc_origins": [],
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "00" * 32,
            "owner": BOT_USER, "team": None, "flags": 0, "summary": "",
            "interactions_endpoint_url": None, "bot": BOT_USER}


def component_interaction(iid: str, user_id: str, message: dict, custom_id: str, values: list[str] | None,
                          *, permissions: int, user_name: str) -> dict:
    """INTERACTION_CREATE type 3 (MESSAGE_COMPONENT): a button pressed, or an option picked
    from a string select, on `message` (as Discord holds it)."""
    payload = interaction(iid, user_id, "", [], autocomplete=False, permissions=permissions, user_name=user_name)
    payload.update(type=3, message=message,
                   data={"custom_id": custom_id, "component_type": 2 if values is None else 3,
                         **({"values": values} if values is not None else {})})
    return payload


def interaction(iid: str, user_id: str, command: str, options: list[dict], *, autocomplete: bool,
                permissions: int, user_name: str) -> dict:
    """An INTERACTION_CREATE payload from a guild text channel."""
    user = {"id": user_id, "username": user_name, "discriminator": "0", "global_name": user_name.title(),
            "avatar": None, "public_flags": 0}
    return {
        "id": iid, "application_id": APP_ID, "type": 4 if autocomplete else 2, "token": f"itoken-{iid}",
        "version": 1, "data": {"id": "1300000000000000000", "name": command, "type": 1,
                               "options": options, "guild_id": GUILD_ID},
        "guild_id": GUILD_ID, "guild": {"id": GUILD_ID, "locale": "en-US", "features": []},
        "channel_id": CHANNEL_ID,
        "channel": {"id": CHANNEL_ID, "type": 0, "guild_id": GUILD_ID, "name": "athletics", "position": 0,
                    "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                    "last_message_id": None, "rate_limit_per_user": 0, "flags": 0,
                    "permissions": str(permissions)},
        "member": {"user": user, "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
                   "mute": False, "flags": 0, "pending": False, "nick": None, "avatar": None,
                   "premium_since": None, "communication_disabled_until": None,
                   "permissions": str(permissions)},
        "app_permissions": str(MEMBER_PERMISSIONS), "locale": "en-GB", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }


def pings_everyone(body: dict) -> bool:
    """Whether Discord would notify @everyone for this message body."""
    allowed = body.get("allowed_mentions")
    parse = allowed.get("parse", []) if allowed is not None else ["everyone", "users", "roles"]
    return "everyone" in parse and bool(re.search(r"@(everyone|here)\b", body.get("content") or ""))


async def read_body(request: web.Request) -> Any:
    """A request body as Discord reads it: JSON, or multipart with `payload_json` and files."""
    if request.content_type == "application/json":
        return await request.json()
    if request.content_type.startswith("multipart/"):
        parts: dict[str, Any] = {"files": []}
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":
                parts.update(json.loads(await part.text()))
            else:
                data = await part.read()  # bytes kept: tests decode the PNG, docs/screens shows it
                parts["files"].append({"name": part.name, "filename": part.filename, "size": len(data),
                                       "content_type": part.headers.get("Content-Type", ""), "data": data})
        return parts
    return None


def message_problems(body: dict) -> list[str]:
    out = []
    embeds = body.get("embeds") or []
    if len(body.get("content") or "") > 2000:
        out.append("content > 2000")
    if len(embeds) > 10:
        out.append("more than 10 embeds")
    total = 0
    for e in embeds:
        fields = e.get("fields", [])
        sizes = {"title": (len(e.get("title", "")), 256), "description": (len(e.get("description", "")), 4096),
                 "footer": (len(e.get("footer", {}).get("text", "")), 2048), "fields": (len(fields), 25)}
        out += [f"embed {k} {n} > {cap}" for k, (n, cap) in sizes.items() if n > cap]
        for f in fields:
            if not (0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024):
                out.append("field size")
        total += sizes["title"][0] + sizes["description"][0] + sizes["footer"][0]
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    if total > 6000:
        out.append(f"embeds total {total} > 6000")
    names = {f["filename"] for f in body.get("files") or []} | {a.get("filename") for a in body.get("kept") or []}
    for e in embeds:
        url = (e.get("image") or {}).get("url", "")
        if url.startswith("attachment://") and url.removeprefix("attachment://") not in names:
            out.append(f"embed image {url} names no uploaded file")
    if not body.get("content") and not embeds and not body.get("files"):
        out.append("Cannot send an empty message")
    if body.get("nonce") is not None and len(str(body["nonce"])) > 25:
        out.append("nonce longer than 25")
    return out + component_problems(body.get("components") or [])


def component_problems(rows: list[dict]) -> list[str]:
    """Discord's limits on message components (action rows of buttons or one select each)."""
    out, ids = [], []
    if len(rows) > 5:
        out.append(f"{len(rows)} action rows > 5")
    for row in rows:
        items = row.get("components", [])
        if row.get("type") != 1 or not 1 <= len(items) <= 5:
            out.append("an action row holds 1-5 components")
        kinds = {c.get("type") for c in items}
        if 3 in kinds and len(items) > 1:
            out.append("a select menu takes a whole row")
        for c in items:
            ids.append(c.get("custom_id", ""))
            if not 1 <= len(c.get("custom_id", "")) <= 100:
                out.append("custom_id must be 1-100 characters")
            if c.get("type") == 2 and not (c.get("label") and len(c["label"]) <= 80 and c.get("style") in range(1, 6)):
                out.append("button label 1-80 characters and a style")
            if c.get("type") == 3:
                options = c.get("options", [])
                values = [o.get("value", "") for o in options]
                if not 1 <= len(options) <= 25 or len(set(values)) != len(values):
                    out.append("a select has 1-25 options with distinct values")
                if len(c.get("placeholder", "")) > 150:
                    out.append("placeholder > 150")
                for o in options:
                    if not (0 < len(o.get("label", "")) <= 100 and 0 < len(o.get("value", "")) <= 100
                            and len(o.get("description", "")) <= 100):
                        out.append("select option label/value/description sizes")
    if len(set(ids)) != len(ids):
        out.append("custom_ids repeat within a message")
    return out


def command_problems(commands: list[dict]) -> list[str]:
    out = []
    name_ok = re.compile(r"^[-_a-z0-9]{1,32}$")
    for c in commands:
        items = [c, *c.get("options", [])]
        out += [f"bad name {i.get('name')!r}" for i in items if not name_ok.match(i.get("name", ""))]
        out += [f"bad description on {i.get('name')!r}" for i in items
                if not 1 <= len(i.get("description", "")) <= 100]
        if len(c.get("options", [])) > 25:
            out.append(f"/{c['name']}: more than 25 options")
        for o in c.get("options", []):
            if len(o.get("choices", [])) > 25:
                out.append(f"/{c['name']} {o['name']}: more than 25 choices")
    return out
