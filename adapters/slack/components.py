"""A Reply's actions as a Block Kit `actions` block: buttons and `static_select` menus, with ids
from the core's codec (bot.actions) within Slack's limits. Their text is plain_text, which Slack
shows literally and never reads as a mention: nothing to escape, only to shorten."""
from __future__ import annotations

from collections.abc import Sequence

from bot.actions import ActionCodec
from bot.replies import Action, Button, ellipsize

from adapters.slack.limits import (MAX_ACTION_ELEMENTS, MAX_ACTION_ID, MAX_BLOCKS, MAX_BUTTON_VALUE,
                                   MAX_CONTROL_TEXT, MAX_OPTION_VALUE, MAX_OPTIONS, MAX_PLACEHOLDER)

# Buttons are routed by this prefix (their value holds the command); a menu's action_id is the
# codec's own id, which starts with bot.actions.PREFIX.
BUTTON_PREFIX = "racebot:"
BLOCK_ID = "racebot-actions"


def action_blocks(actions: Sequence[Action], codec: ActionCodec, asker: str) -> list[dict]:
    elements: list[dict] = []
    for i, action in enumerate(actions):
        if isinstance(action, Button):
            elements.append({"type": "button", "text": _plain(action.label, MAX_CONTROL_TEXT),
                             "action_id": f"{BUTTON_PREFIX}{i}",
                             "value": codec.encode(action.command, asker, action.personal, MAX_BUTTON_VALUE,
                                                   full_table=action.full_table)})
            continue
        options, values = [], set()
        for o in action.options[:MAX_OPTIONS]:
            value = codec.encode(o.command, "", False, MAX_OPTION_VALUE)  # the menu's own id names the asker
            if value not in values:
                values.add(value)
                option = {"text": _plain(o.label or "\u2026", MAX_CONTROL_TEXT), "value": value}
                if o.description:
                    option["description"] = _plain(o.description, MAX_CONTROL_TEXT)
                options.append(option)
        if options:
            elements.append({"type": "static_select", "action_id": codec.menu(i, asker, action.personal)[:MAX_ACTION_ID],
                             "placeholder": _plain(action.placeholder, MAX_PLACEHOLDER), "options": options})
    if not elements:
        return []
    return [{"type": "actions", "block_id": BLOCK_ID, "elements": elements[:MAX_ACTION_ELEMENTS]}]


def with_actions(messages: list[dict], blocks: list[dict]) -> list[dict]:
    """The first message carries the buttons and menus (a click replaces it, page by page);
    when it is full they come as a message of their own right after it."""
    if not blocks:
        return messages
    first, rest = messages[0], messages[1:]
    if len(first["blocks"]) + len(blocks) <= MAX_BLOCKS:
        return [{**first, "blocks": first["blocks"] + blocks}, *rest]
    return [first, {"text": first["text"][:200] or "More", "blocks": blocks}, *rest]


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": ellipsize(" ".join(text.split()) or "\u2026", limit), "emoji": True}
