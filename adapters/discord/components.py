"""A Reply's actions as Discord message components: buttons five to an action row, each select
menu a row of its own, at most five rows; ids from the core's codec (bot.actions), within
Discord's limits. Labels are plain text in Discord's UI: clipped, never escaped."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.actions import ActionCodec
from bot.replies import Action, Button

from adapters.discord import escape

log = logging.getLogger(__name__)

# https://discord.com/developers/docs/components/reference
ACTION_ROW, BUTTON, STRING_SELECT = 1, 2, 3
SECONDARY = 2
ROWS, ROW_BUTTONS, OPTIONS = 5, 5, 25
CUSTOM_ID, BUTTON_LABEL, PLACEHOLDER, OPTION_TEXT = 100, 80, 150, 100


def component_rows(actions: Sequence[Action], codec: ActionCodec, asker: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()  # Discord refuses a message whose custom_ids repeat
    for i, action in enumerate(actions):
        if isinstance(action, Button):
            custom_id = codec.encode(action.command, asker, action.personal, CUSTOM_ID, full_table=action.full_table)
            if custom_id in seen:
                continue
            seen.add(custom_id)
            if not rows or rows[-1]["components"][0]["type"] != BUTTON or len(rows[-1]["components"]) == ROW_BUTTONS:
                rows.append({"type": ACTION_ROW, "components": []})
            rows[-1]["components"].append({"type": BUTTON, "style": SECONDARY, "custom_id": custom_id,
                                           "label": escape.clip(action.label, BUTTON_LABEL)})
            continue
        options, values = [], set()
        for o in action.options[:OPTIONS]:
            value = codec.encode(o.command, "", False, OPTION_TEXT)  # the menu's own id names the asker
            if value in values:
                continue
            values.add(value)
            option = {"label": escape.clip(o.label, OPTION_TEXT) or "\u2026", "value": value}
            if o.description:
                option["description"] = escape.clip(o.description, OPTION_TEXT)
            options.append(option)
        if options:
            rows.append({"type": ACTION_ROW, "components": [{
                "type": STRING_SELECT, "custom_id": codec.menu(i, asker, action.personal),
                "placeholder": escape.clip(action.placeholder, PLACEHOLDER), "options": options,
                "min_values": 1, "max_values": 1}]})
    if len(rows) > ROWS:
        log.warning("%d rows of buttons and menus; Discord shows %d, the rest are left out", len(rows), ROWS)
    return rows[:ROWS]


class Components(discord.ui.View):
    """Rows we built ourselves, sent as they are. Stopped at once: discord.py keeps no state for
    it, so a click comes to on_interaction (and to the core) like any other interaction."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(timeout=None)
        self._rows = rows
        self.stop()

    def to_components(self) -> list[dict[str, Any]]:
        return self._rows
