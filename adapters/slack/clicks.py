"""Clicks on racebot's buttons and menus: Slack's block_actions, over HTTP (the same /slack/events
URL) or Socket Mode. Acked at once; the core then runs the command the clicked id names, and the
answer replaces the message through the click's response_url (which works for ephemeral
messages too, where chat.update cannot), or reaches only the clicker when the core says the
click is not theirs or the message is too old; "Full table" reaches only the clicker, as a
message of its own beside the clicked one.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from adapters.slack.components import BUTTON_PREFIX, action_blocks, with_actions
from adapters.slack.limits import MAX_ALT_TEXT, MAX_BLOCKS
from adapters.slack.outbound import Dest, Outbound
from adapters.slack.render import render
from adapters.slack.slash import RESPONSE_URL_USES
from adapters.slack.tasks import TaskSet
from adapters.slack.workspaces import Workspaces
from bot.actions import PREFIX, ClickAnswer
from bot.announce.publishing import ChannelRef, Outcome
from bot.commands.registry import Context
from bot.replies import Reply, ellipsize, failure_reply

log = logging.getLogger(__name__)

ROUTE = re.compile(rf"^({re.escape(BUTTON_PREFIX)}|{re.escape(PREFIX)}\|)")


class SlackClicks:
    def __init__(self, core, workspaces: Workspaces, tasks: TaskSet) -> None:
        self._core = core
        self._workspaces = workspaces
        self._tasks = tasks

    def register(self, app) -> None:
        app.action(ROUTE)(self.on_action)

    async def on_action(self, ack, body: dict, context) -> None:
        await ack()
        self._tasks.spawn(self._answer(body, context.bot_token), name="slack click")

    async def _answer(self, body: dict[str, Any], token: str | None) -> None:
        action = (body.get("actions") or [{}])[0]
        if action.get("type") == "static_select":
            carrier, chosen = str(action.get("action_id", "")), str((action.get("selected_option") or {}).get("value", ""))
        else:
            carrier, chosen = str(action.get("value", "")), None
        container = body.get("container") or {}
        user = body.get("user") or {}
        user_id = str(user.get("id", ""))
        channel = ChannelRef("slack", str((body.get("team") or {}).get("id", "")),
                             str((body.get("channel") or {}).get("id") or container.get("channel_id", "")))
        ws = await self._workspaces.get(channel.workspace, token)
        if ws is None or ws.users is None or ws.admin is None:  # uninstalled between the ack and now
            log.warning("no Slack clients for team %s: click not answered", channel.workspace)
            return
        ctx = Context(user_id=user_id, user_name=str(user.get("username") or user.get("name") or ""), channel=channel,
                      timezone=await ws.users.timezone(user_id), is_admin=ws.admin.listed(user_id),
                      clickable=True)
        answer = await self._core.click(carrier, chosen, ctx, _sent_at(container.get("message_ts")))
        response_url = str(body.get("response_url", ""))
        if not response_url:
            log.warning("a click came without a response_url; nothing to answer through")
            return
        if answer.aside:
            await self._aside(answer.reply, response_url, ws.outbound)
            return
        try:
            messages = render(answer.reply)
            message = messages[0] if len(messages) == 1 else _first_of(messages)
        except Exception:  # a renderer's bug: the clicker still hears from us, once
            log.exception("rendering a click's answer failed")
            message, answer = render(failure_reply())[0], ClickAnswer(failure_reply(), False, user_id)
        if answer.update:
            # One message is replaced: a page is made to fit one.
            message = with_actions([message], action_blocks(answer.reply.actions, self._core.actions, answer.asker))[0]
            dest = Dest(response_url=response_url, replace=True)
        else:
            dest = Dest(response_url=response_url, ephemeral=True)
        delivery = await ws.outbound.post(dest, message)
        if delivery.outcome is not Outcome.DELIVERED:
            log.warning("answer to a click not delivered: %s %s", delivery.outcome.value, delivery.detail)

    async def _aside(self, reply: Reply, response_url: str, outbound: Outbound) -> None:
        """A whole answer for the clicker alone (the full table), beside the clicked message: its
        picture uploaded into no channel and shown by file id in an ephemeral message; where that
        fails, the wide table as text."""
        if reply.image:
            alt = ellipsize(reply.chart.alt if reply.chart else reply.title, MAX_ALT_TEXT)
            file_id = await outbound.upload_private(reply.image, title=reply.title, alt=alt)
            if file_id:
                message = render(replace(reply, table=None, image=None))[0]
                image = {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt}
                at = 1 if message["blocks"][:1] and message["blocks"][0]["type"] == "header" else 0
                message = {**message, "blocks": message["blocks"][:at] + [image] + message["blocks"][at:]}
                delivery = await outbound.post(Dest(response_url=response_url, ephemeral=True), message)
                if delivery.outcome is Outcome.DELIVERED:
                    return
                # e.g. Slack still processing the file: the table goes as text instead
                log.info("the full table's picture was not shown (%s %s); sending it as text",
                         delivery.outcome.value, delivery.detail)
        for message in render(replace(reply, image=None))[:RESPONSE_URL_USES - 1]:
            delivery = await outbound.post(Dest(response_url=response_url, ephemeral=True), message)
            if delivery.outcome is not Outcome.DELIVERED:
                log.warning("the full table not delivered: %s %s", delivery.outcome.value, delivery.detail)
                return


def _first_of(messages: list[dict]) -> dict:
    """One message replaces the clicked one (a page is made to fit one); should an answer still
    need more, the first says that the rest is not shown rather than losing it without a word."""
    first = messages[0]
    log.warning("a click's answer needs %d messages; the first replaces the clicked one", len(messages))
    note = {"type": "context", "elements": [{"type": "mrkdwn", "verbatim": True,
                                             "text": "More did not fit here: narrow it down (event, season)."}]}
    blocks = first["blocks"][:MAX_BLOCKS - 2] + [note]  # room for the actions block after it
    return {**first, "blocks": blocks}


def _sent_at(ts: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(str(ts)), timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
