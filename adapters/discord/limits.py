"""Discord's documented size limits, and checks for the payloads we build against them.

The renderer splits to fit these; the checks guard the command sync and back the tests
(the fake Discord rejects what real Discord would reject).
"""
from __future__ import annotations

import re

# Messages and embeds (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT = 2000
EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000  # across every embed of one message
NONCE = 25
ATTACHMENT_DESCRIPTION = 1024  # an attachment's alt text (its `description`)

# Application commands (https://discord.com/developers/docs/interactions/application-commands)
NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
COMMAND_DESCRIPTION = 100
OPTIONS = 25
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
COMMAND_TOTAL = 4000  # name + description + every option's and choice's name/description/value
GLOBAL_COMMANDS = 100


def embed_size(embed: dict) -> int:
    """Characters Discord counts towards the 6000 limit."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in embed.get("fields", []))
    size += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    return size


def message_problems(message: dict) -> list[str]:
    """Every limit a message body (content + embeds) breaks; empty when Discord would accept it."""
    problems = []
    if len(message.get("content") or "") > CONTENT:
        problems.append(f"content is {len(message['content'])} > {CONTENT} characters")
    embeds = message.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"{len(embeds)} > {EMBEDS} embeds")
    for i, e in enumerate(embeds):
        for key, cap in (("title", TITLE), ("description", DESCRIPTION)):
            if len(e.get(key, "")) > cap:
                problems.append(f"embed {i} {key} is {len(e[key])} > {cap}")
        if len(e.get("footer", {}).get("text", "")) > FOOTER:
            problems.append(f"embed {i} footer > {FOOTER}")
        fields = e.get("fields", [])
        texts = (e.get("title", ""), e.get("description", ""), e.get("footer", {}).get("text", ""))
        if not (any(t.strip() for t in texts) or fields or e.get("image")):
            problems.append(f"embed {i} is empty")
        if len(fields) > FIELDS:
            problems.append(f"embed {i} has {len(fields)} > {FIELDS} fields")
        for f in fields:
            name, value = f.get("name", ""), f.get("value", "")
            if not (name.strip() and value.strip() and len(name) <= FIELD_NAME and len(value) <= FIELD_VALUE):
                problems.append(f"embed {i} field {f.get('name', '')[:20]!r} breaks the field limits")
    total = sum(embed_size(e) for e in embeds)
    if total > EMBED_TOTAL:
        problems.append(f"embeds total {total} > {EMBED_TOTAL} characters")
    if not message.get("content") and not embeds and not message.get("attachments"):
        problems.append("empty message")
    nonce = message.get("nonce")
    if nonce is not None and len(str(nonce)) > NONCE:
        problems.append(f"nonce {nonce!r} is longer than {NONCE}")
    return problems


def command_problems(commands: list[dict]) -> list[str]:
    """Every documented limit a bulk-overwrite payload of chat-input commands breaks."""
    problems = []
    if len(commands) > GLOBAL_COMMANDS:
        problems.append(f"{len(commands)} > {GLOBAL_COMMANDS} commands")
    names = [c.get("name", "") for c in commands]
    if len(names) != len(set(names)):
        problems.append("duplicate command names")
    for c in commands:
        problems += _named(f"/{c.get('name')}", c)
        options = c.get("options", [])
        if len(options) > OPTIONS:
            problems.append(f"/{c['name']} has {len(options)} > {OPTIONS} options")
        seen_optional = False
        for o in options:
            where = f"/{c['name']} {o.get('name')}"
            problems += _named(where, o)
            if o.get("required") and seen_optional:
                problems.append(f"{where}: a required option follows an optional one")
            seen_optional = seen_optional or not o.get("required")
            choices = o.get("choices", [])
            if len(choices) > CHOICES:
                problems.append(f"{where} has {len(choices)} > {CHOICES} choices")
            if choices and o.get("autocomplete"):
                problems.append(f"{where}: autocomplete and choices are exclusive")
            for ch in choices:
                if not 0 < len(ch["name"]) <= CHOICE_NAME or len(str(ch["value"])) > CHOICE_VALUE:
                    problems.append(f"{where} choice {ch['name'][:20]!r} breaks the choice limits")
        if _command_chars(c) > COMMAND_TOTAL:
            problems.append(f"/{c['name']} totals more than {COMMAND_TOTAL} characters")
    return problems


def _named(where: str, item: dict) -> list[str]:
    out = []
    if not NAME.match(item.get("name", "")):
        out.append(f"{where}: name must match {NAME.pattern}")
    if not 0 < len(item.get("description", "")) <= COMMAND_DESCRIPTION:
        out.append(f"{where}: description must be 1-{COMMAND_DESCRIPTION} characters")
    return out


def _command_chars(c: dict) -> int:
    total = len(c["name"]) + len(c.get("description", ""))
    for o in c.get("options", []):
        total += len(o["name"]) + len(o.get("description", ""))
        total += sum(len(ch["name"]) + len(str(ch["value"])) for ch in o.get("choices", []))
    return total
