"""Slash commands and autocomplete from the gateway, answered through discord.py.

Ack first, work second: the core gets `defer_after` seconds (Discord allows 3); if it needs
longer the interaction is deferred and the answer edits the "thinking" message.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.commands.registry import Context
from bot.errors import UserError
from bot.replies import Reply, error_reply, failure_reply

from adapters.discord import commands, limits
from adapters.discord.asker import context_of
from adapters.discord.clicks import Clicks
from adapters.discord.components import component_rows
from adapters.discord.outbound import NO_MENTIONS, message_kwargs
from adapters.discord.render import OutMessage, render

if TYPE_CHECKING:
    from bot.core import Core

# Discord clients offer each parameter as a named option: /help shows commands that way.

log = logging.getLogger(__name__)


class Interactions:
    def __init__(self, core: "Core", *, defer_after: float) -> None:
        self.core = core
        self.defer_after = defer_after
        self._tasks: set[asyncio.Task] = set()  # keep references: the loop only holds weak ones
        self.clicks = Clicks(core, self._tasks, defer_after=defer_after)

    async def close(self) -> None:
        """Cancel commands still running: their interaction tokens die with the connection."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def handle(self, interaction: discord.Interaction) -> None:
        started = time.perf_counter()
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await self._autocomplete(interaction)
            elif interaction.type is discord.InteractionType.application_command:
                await self._command(interaction)
            elif interaction.type is discord.InteractionType.component:
                await self.clicks.handle(interaction)
        except discord.HTTPException as exc:
            # Usually 10062 Unknown interaction: the token expired before we answered.
            log.warning("answering interaction %s failed: %s %s", interaction.id, exc.status, exc.text)
        except Exception:
            log.exception("interaction %s failed", interaction.id)
        finally:
            log.debug("interaction %s answered in %.1f ms", interaction.id,
                      (time.perf_counter() - started) * 1000)

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]  # a TypedDict union, read as JSON
        param, partial, kind, others = commands.focused(data.get("options", []))
        found = await self.core.complete(data.get("name", ""), param, partial, others, limits.CHOICES)
        choices: list[app_commands.Choice] = []
        for c in found:
            value: str | int = c.value
            if kind == commands.INTEGER:
                if not str(c.value).lstrip("-").isdigit():
                    continue
                value = int(c.value)
            elif not 0 < len(c.value) <= limits.CHOICE_VALUE:
                continue  # a value must round-trip whole; clipping it would change the answer
            # Choice names are plain text in Discord's UI: clip, do not escape.
            name = c.name if len(c.name) <= limits.CHOICE_NAME else c.name[: limits.CHOICE_NAME - 1] + "\u2026"
            choices.append(app_commands.Choice(name=name or str(value), value=value))
        await interaction.response.autocomplete(choices[: limits.CHOICES])

    async def _command(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]  # a TypedDict union, read as JSON
        task = asyncio.ensure_future(self._run(data, context_of(interaction)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # defer_after = 0 means always defer (an ack first, then the answer as an edit).
        done = False
        if self.defer_after > 0:
            done = bool((await asyncio.wait({task}, timeout=self.defer_after))[0])
        deferred = not done
        if deferred:
            await interaction.response.defer(thinking=True)
        reply = await task
        try:
            messages = render(reply)
            rows = component_rows(reply.actions, self.core.actions, str(interaction.user.id))
        except Exception:  # a renderer's bug: the asker still hears from us, once
            log.exception("rendering /%s failed", data.get("name"))
            messages, rows = render(failure_reply()), []
        await self._answer(interaction, messages, deferred, rows)

    async def _run(self, data: dict[str, Any], ctx: Context) -> Reply:
        cmd = self.core.registry.get(data.get("name", ""))
        if cmd is None:
            return error_reply("That command is no longer available.", hint="Try /help for the list.")
        try:
            inv = commands.invocation(cmd, data.get("options", []))
            return await self.core.handle(inv, ctx)
        except UserError as exc:
            return error_reply(exc.message, hint=exc.hint)
        except Exception:  # the core promises not to raise; the user still gets an answer if it does
            log.exception("/%s failed", cmd.name)
            return failure_reply()

    async def _answer(self, interaction: discord.Interaction, messages: list[OutMessage],
                      deferred: bool, rows: list[dict]) -> None:
        """The first message carries the buttons and menus: a click edits it, page by page."""
        first, rest = messages[0], messages[1:]
        if not deferred:
            await interaction.response.send_message(**message_kwargs(first, rows), ephemeral=first.ephemeral)
        elif first.ephemeral:
            # The public "thinking" message cannot turn ephemeral: replace it with a private one.
            await interaction.delete_original_response()
            await interaction.followup.send(**message_kwargs(first, rows), ephemeral=True)
        else:
            kwargs = message_kwargs(first, rows)
            await interaction.edit_original_response(
                content=kwargs["content"], embeds=kwargs["embeds"], view=kwargs.get("view"),
                attachments=kwargs.get("files", []), allowed_mentions=NO_MENTIONS)
        for m in rest:
            await interaction.followup.send(**message_kwargs(m), ephemeral=m.ephemeral)
