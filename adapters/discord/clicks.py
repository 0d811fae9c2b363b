"""Clicks on racebot's buttons and menus (INTERACTION_CREATE type 3, MESSAGE_COMPONENT).

The core runs the command the component's id names; the answer replaces the message (UPDATE_MESSAGE,
type 7), or, when the core says the click is not for this user or this message any more, only the
clicker sees a short word (an ephemeral message). "Full table" answers the clicker alone with a
message of its own (CHANNEL_MESSAGE_WITH_SOURCE, ephemeral, its picture attached). Ack first, as for commands: past `defer_after`
the click is acknowledged (DEFERRED_UPDATE_MESSAGE, type 6) and the message edited afterwards.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.actions import ClickAnswer
from bot.replies import failure_reply

from adapters.discord.asker import context_of
from adapters.discord.components import component_rows
from adapters.discord.outbound import NO_MENTIONS, message_kwargs
from adapters.discord.render import error_message, render

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)


class Clicks:
    def __init__(self, core: "Core", tasks: set[asyncio.Task], *, defer_after: float) -> None:
        self.core = core
        self._tasks = tasks  # shared with the commands': cancelled together on stop
        self.defer_after = defer_after

    async def handle(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]  # a TypedDict union, read as JSON
        values = data.get("values") or []
        sent_at = interaction.message.created_at if interaction.message is not None else None
        task = asyncio.ensure_future(self.core.click(str(data.get("custom_id", "")), str(values[0]) if values else None,
                                                     context_of(interaction), sent_at))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        done = False
        if self.defer_after > 0:
            done = bool((await asyncio.wait({task}, timeout=self.defer_after))[0])
        if not done:
            await interaction.response.defer()  # DEFERRED_UPDATE_MESSAGE: no "thinking" message
        await self._answer(interaction, await task, deferred=not done)

    async def _answer(self, interaction: discord.Interaction, answer: ClickAnswer, *, deferred: bool) -> None:
        if answer.aside:
            await self._aside(interaction, answer, deferred=deferred)
            return
        if not answer.update:
            private = error_message(answer.reply)
            if deferred:
                await interaction.followup.send(content=private.content, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(content=private.content, ephemeral=True,
                                                        allowed_mentions=NO_MENTIONS)
            return
        try:
            # One message is edited: a page is made to fit one; past that the last embed says so.
            message = render(answer.reply, max_messages=1)[0] if not answer.reply.error else error_message(answer.reply)
            rows = component_rows(answer.reply.actions, self.core.actions, answer.asker)
        except Exception:  # the message then says so, and keeps no buttons that led here
            log.exception("rendering a click's answer failed")
            message, rows = error_message(failure_reply()), []
        kwargs = message_kwargs(message, rows)
        # view=None takes the old buttons away when the new answer has none.
        edit = dict(content=kwargs["content"], embeds=kwargs["embeds"], view=kwargs.get("view"),
                    attachments=kwargs.get("files", []), allowed_mentions=NO_MENTIONS)
        if deferred:
            await interaction.edit_original_response(**edit)
        else:
            await interaction.response.edit_message(**edit)

    async def _aside(self, interaction: discord.Interaction, answer: ClickAnswer, *, deferred: bool) -> None:
        """A whole answer for the clicker alone (the full table, its picture attached), in messages
        of its own; the clicked message stays as it was."""
        try:
            messages = render(answer.reply)
        except Exception:
            log.exception("rendering a click's private answer failed")
            messages = [error_message(failure_reply())]
        first, rest = messages[0], messages[1:]
        if deferred:  # the ack (DEFERRED_UPDATE_MESSAGE) left the message alone: follow up privately
            await interaction.followup.send(**message_kwargs(first), ephemeral=True)
        else:
            await interaction.response.send_message(**message_kwargs(first), ephemeral=True)
        for m in rest:
            await interaction.followup.send(**message_kwargs(m), ephemeral=True)
