"""The one shape every outgoing message takes: interaction answers, follow-ups, announcements.

Mentions are switched off here, on every message, whatever the text says.
"""
from __future__ import annotations

import io
from typing import Any

import discord

from adapters.discord.components import Components
from adapters.discord.render import IMAGE_NAME, OutMessage

NO_MENTIONS = discord.AllowedMentions.none()


def message_kwargs(m: OutMessage, components: list[dict] | None = None) -> dict[str, Any]:
    """Keyword arguments for discord.py's send/followup calls; `components`: action rows
    (adapters.discord.components), else none."""
    kwargs: dict[str, Any] = {
        "content": m.content or None,
        "embeds": [discord.Embed.from_dict(e) for e in m.embeds],
        "allowed_mentions": NO_MENTIONS,
    }
    if components:
        kwargs["view"] = Components(components)
    if m.image:
        kwargs["files"] = [discord.File(io.BytesIO(m.image), filename=IMAGE_NAME, description=m.image_alt or None)]
    return kwargs
