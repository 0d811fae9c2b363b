"""Slack's Block Kit limits, and a checker the outbound choke point runs before every post.

Numbers from Slack's Block Kit reference: 50 blocks a message, 150 characters in a header,
3000 in a section text, 10 fields of 2000 characters, 10 context elements.
"""
from __future__ import annotations

MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
# Interactive elements (Block Kit reference: actions block, button, static_select, option).
MAX_ACTION_ELEMENTS = 25
MAX_ACTION_ID = 255
MAX_BUTTON_VALUE = 2000
MAX_CONTROL_TEXT = 75  # a button's or an option's text
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_PLACEHOLDER = 150
# `text` may be 40,000 characters; the fallback is only for notifications, so we keep it short.
MAX_FALLBACK_TEXT = 3000
MAX_ALT_TEXT = 2000  # an image block's alt_text (and its title)


def violations(message: dict) -> list[str]:
    """Everything in `message` Slack would refuse or truncate; empty when it is fine."""
    problems: list[str] = []
    blocks = message.get("blocks", [])
    if not message.get("text"):
        problems.append("no text fallback")
    elif len(message["text"]) > MAX_FALLBACK_TEXT:
        problems.append(f"text fallback has {len(message['text'])} characters")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks (max {MAX_BLOCKS})")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            _check(problems, i, "header", block["text"]["text"], MAX_HEADER)
        elif kind == "section":
            if "text" in block:
                _check(problems, i, "section", block["text"]["text"], MAX_SECTION_TEXT)
            fields = block.get("fields", [])
            if len(fields) > MAX_FIELDS:
                problems.append(f"block {i}: {len(fields)} fields (max {MAX_FIELDS})")
            for f in fields:
                _check(problems, i, "field", f["text"], MAX_FIELD_TEXT)
            if "text" not in block and not fields:
                problems.append(f"block {i}: section without text or fields")
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
                problems.append(f"block {i}: {len(elements)} context elements")
            for e in elements:
                _check(problems, i, "context", e["text"], MAX_CONTEXT_TEXT)
        elif kind == "actions":
            problems += _action_problems(i, block)
        elif kind == "image":
            _check(problems, i, "image alt_text", block.get("alt_text", ""), MAX_ALT_TEXT)
            if not block.get("alt_text"):
                problems.append(f"block {i}: image without alt_text")
            if ("image_url" in block) == ("slack_file" in block):
                problems.append(f"block {i}: an image takes either image_url or slack_file")
        elif kind != "divider":
            problems.append(f"block {i}: unexpected block type {kind!r}")
    return problems


def _action_problems(i: int, block: dict) -> list[str]:
    problems: list[str] = []
    elements = block.get("elements", [])
    if not 1 <= len(elements) <= MAX_ACTION_ELEMENTS:
        problems.append(f"block {i}: {len(elements)} action elements")
    ids = [e.get("action_id", "") for e in elements]
    if len(set(ids)) != len(ids) or not all(0 < len(x) <= MAX_ACTION_ID for x in ids):
        problems.append(f"block {i}: action_ids must be distinct and 1-{MAX_ACTION_ID} characters")
    for e in elements:
        if e.get("type") == "button":
            _check(problems, i, "button", e["text"]["text"], MAX_CONTROL_TEXT)
            _check(problems, i, "button value", e.get("value", ""), MAX_BUTTON_VALUE)
        elif e.get("type") == "static_select":
            options = e.get("options", [])
            if not 1 <= len(options) <= MAX_OPTIONS:
                problems.append(f"block {i}: {len(options)} options")
            _check(problems, i, "placeholder", e["placeholder"]["text"], MAX_PLACEHOLDER)
            for o in options:
                _check(problems, i, "option", o["text"]["text"], MAX_CONTROL_TEXT)
                _check(problems, i, "option value", o["value"], MAX_OPTION_VALUE)
        else:
            problems.append(f"block {i}: unexpected element {e.get('type')!r}")
    return problems


def _check(problems: list[str], i: int, what: str, text: str, limit: int) -> None:
    if not text:
        problems.append(f"block {i}: empty {what} text")
    elif len(text) > limit:
        problems.append(f"block {i}: {what} text has {len(text)} characters (max {limit})")
