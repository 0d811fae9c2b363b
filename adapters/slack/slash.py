"""Slash commands built from the core's registry: parse and ack at once, answer after the ack.

Slack waits 3 seconds for the ack. Parsing is in-memory and fast, so bad text is refused in the
ack itself (ephemeral); everything else is acked empty and answered from a background task
through the command's response_url, which works even in channels the bot has not joined.
"""
from __future__ import annotations

import logging
import time
import uuid

from adapters.slack.names import UMBRELLA, slash_names, syntax
from adapters.slack.components import action_blocks, with_actions
from adapters.slack.outbound import Dest
from adapters.slack.render import render
from adapters.slack.tasks import TaskSet
from adapters.slack.workspaces import Workspace, Workspaces
from bot.commands.registry import Context, Invocation
from bot.errors import UserError
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Reply, error_reply, failure_reply

log = logging.getLogger(__name__)

RESPONSE_URL_USES = 5  # Slack accepts five posts per response_url; later parts go to the channel


def slack_text(text: str) -> str:
    """Slack sends the typed text with &, < and > as entities; the core wants what was typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class SlashCommands:
    def __init__(self, core, workspaces: Workspaces, tasks: TaskSet) -> None:
        self._core = core
        self._workspaces = workspaces
        self._tasks = tasks

    def names(self) -> list[str]:
        """Slack command names: every command the core declares that Slack leaves to apps, plus the
        umbrella (adapters/slack/names.py)."""
        return slash_names(self._core.registry)

    def register(self, app) -> None:
        for name in self.names():
            app.command(f"/{name}")(self.on_command)

    async def on_command(self, ack, command: dict, context) -> None:
        try:
            inv = self.parse(command.get("command", ""), command.get("text", ""))
        except UserError as exc:
            await self._ack_error(ack, error_reply(exc.message, hint=exc.hint))
            return
        except Exception:  # still ack, or Slack shows the user a timeout
            log.exception("parsing %s failed", command.get("command"))
            await self._ack_error(ack, failure_reply())
            return
        await ack()
        self._tasks.spawn(self._answer(inv, command, context.bot_token, time.perf_counter()),
                          name=f"slack /{inv.command}")

    def parse(self, slash: str, text: str) -> Invocation:
        name, text = slash.lstrip("/").lower(), slack_text(text)
        if name == UMBRELLA and self._core.registry.get(UMBRELLA) is None:
            words = text.split(maxsplit=1)
            if not words:
                if self._core.registry.get("help") is None:
                    raise UserError("Type a command after /racebot.", "For example: /racebot h2h Kerr Ingebrigtsen")
                words = ["help"]
            name, text = words[0].lstrip("/").lower(), words[1] if len(words) > 1 else ""
        return self._core.parse_words(name, text)

    async def _ack_error(self, ack, reply: Reply) -> None:
        message = render(reply)[0]
        await ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")

    async def _answer(self, inv: Invocation, command: dict, token: str | None, started: float) -> None:
        user_id = command.get("user_id", "")
        ws = await self._workspaces.get(command.get("team_id", ""), token)
        if ws is None or ws.users is None or ws.admin is None:  # uninstalled between the ack and now
            log.warning("no Slack clients for team %s: /%s not answered", command.get("team_id"), inv.command)
            return
        cmd = self._core.registry.get(inv.command)
        # users.info costs a round trip: admin rights are asked for only when the command needs
        # them; the time zone (for /subscribe's default) is asked once a day and waited for briefly.
        is_admin = (await ws.admin.is_admin(user_id) if cmd is not None and cmd.admin_only
                    else ws.admin.listed(user_id))
        channel = ChannelRef("slack", command.get("team_id", ""), command.get("channel_id", ""))
        ctx = Context(user_id=user_id, user_name=command.get("user_name", ""), channel=channel,
                      timezone=await ws.users.timezone(user_id), is_admin=is_admin,
                      syntax=syntax(self._core.registry), clickable=True)
        reply = await self._core.handle(inv, ctx)
        key = f"slash:{command.get('trigger_id') or uuid.uuid4()}"
        try:
            messages = with_actions(render(reply), action_blocks(reply.actions, self._core.actions, user_id))
        except Exception:  # a renderer's bug: the asker still hears from us, once
            log.exception("rendering /%s failed", inv.command)
            reply = failure_reply()
            messages = render(reply)
        await self.deliver(reply, channel, command.get("response_url", ""), key=key, messages=messages, ws=ws)
        log.info("answered /%s %.0f ms after the ack", inv.command, (time.perf_counter() - started) * 1000)

    async def deliver(self, reply: Reply, channel: ChannelRef, response_url: str, key: str,
                      messages: list[dict] | None = None, ws: Workspace | None = None) -> None:
        ws = ws or await self._workspaces.get(channel.workspace)
        if ws is None:
            log.warning("no Slack clients for team %s: answer dropped", channel.workspace)
            return
        if reply.spoiler and not reply.error:
            delivery = await ws.publisher.send(channel, reply, key)
            if delivery.outcome is Outcome.DELIVERED:
                return
            # Not in that channel: only the asker sees the result, which is spoiler-safe too.
            log.info("spoiler thread not possible in %s (%s); answering privately", channel, delivery.detail)
        for i, message in enumerate(render(reply) if messages is None else messages):
            # A question back with choices (namesakes) is public: the pick makes it the answer.
            private = (reply.error and not reply.actions) or reply.spoiler
            if response_url and i < RESPONSE_URL_USES:
                dest = Dest(response_url=response_url, ephemeral=private)
            elif private:
                log.warning("private answer has more than %d parts; the rest is dropped", RESPONSE_URL_USES)
                return
            else:
                dest = Dest(channel=channel.channel)
            delivery = await ws.outbound.post(dest, message)
            if delivery.outcome is not Outcome.DELIVERED:
                log.warning("answer part %d not delivered: %s %s", i + 1, delivery.outcome.value, delivery.detail)
                return
        if reply.image and not (reply.error or reply.spoiler):
            await self._upload_chart(reply, channel, ws)

    async def _upload_chart(self, reply: Reply, channel: ChannelRef, ws: Workspace) -> None:
        """The chart follows the answer into the channel (a response_url carries no files). A
        channel the bot is not in gets the answer without it: the text already said everything."""
        alt = reply.chart.alt if reply.chart else reply.title
        delivery = await ws.outbound.upload(channel.channel, reply.image or b"", title=reply.title, alt=alt)
        if delivery.outcome is not Outcome.DELIVERED:
            log.info("chart not uploaded to %s: %s %s", channel, delivery.outcome.value, delivery.detail)
