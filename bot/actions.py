"""Buttons and menus: the ids a platform sends back when one is clicked, and what a click answers.

An id carries the command it runs again (`/top 1500m season:2022 page:2`), so a click still
works after a restart: nothing is held per message. Only a command longer than the platform's
id allows (Discord: 100 characters) is kept in memory under a short key; a restart loses those,
and such a click gets a polite word instead. An id also names the asker when only they may use
it (a namesake, a filter: it changes their question; any reader may turn a page), and who
asked in any case, so a page turned by someone else keeps the asker's own choices theirs.

    rb1|[!]<asker>|/command text           the command itself (`!`: only the asker may use it)
    rb1|[!]<asker>|~/command text          its answer's full wide table, shown to the clicker alone
    rb1|[!]<asker>|#<key>|<command name>   kept in memory under <key> (with its `~`, if any)
    rb1|[!]<asker>|menu:<n>                a menu's own id: its options carry the commands
"""
from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from bot.commands.registry import Context
from bot.full_table import full_table_reply
from bot.replies import Reply, error_reply

PREFIX = "rb1"
MAX_AGE = timedelta(hours=24)  # older answers may rest on data since changed: asked afresh instead
FULL_TABLE = "~"  # before an id's command: its answer's full table, for the clicker alone
KEPT = 20_000  # long commands remembered (about 200 bytes each), the oldest forgotten first


@dataclass(frozen=True)
class Ticket:
    """What a clicked id stands for."""

    asker: str  # who asked the question the message answers
    personal: bool  # only the asker may use it
    command: str | None  # the command text; None when it was kept in memory that is gone
    name: str  # the command's name (without the slash), for the fresh command to suggest
    full_table: bool = False  # show the answer's full wide table privately, not the answer in place


@dataclass(frozen=True)
class ClickAnswer:
    reply: Reply
    update: bool  # True: the reply replaces the clicked message; False: a private word to the clicker
    asker: str  # whose the new message's personal actions are
    # True (with update False): a whole reply for the clicker alone, a message of its own (the
    # full table, bot/full_table.py), rendered as any answer is rather than as a short word.
    aside: bool = False


class ActionCodec:
    """Makes and reads the ids; one per Core, so its memory lives as long as the process."""

    def __init__(self, keep: int = KEPT) -> None:
        self._kept: OrderedDict[str, str] = OrderedDict()
        self._keep = keep
        # Keys differ from one process to the next, so an old key never finds a new command.
        self._boot = secrets.token_hex(3)
        self._count = 0

    def encode(self, command: str, asker: str, personal: bool, limit: int, *, full_table: bool = False) -> str:
        """An id of at most `limit` characters that runs `command` (`full_table`: shows its
        answer's full table to the clicker instead)."""
        asker = _who(asker, personal)
        shown = f"{FULL_TABLE}{command}" if full_table else command
        whole = f"{PREFIX}|{asker}|{shown}"
        if len(whole) <= limit:
            return whole
        self._count += 1
        key = f"{self._boot}{self._count:x}"
        self._kept[key] = shown
        while len(self._kept) > self._keep:
            self._kept.popitem(last=False)
        name = command.lstrip("/").split(" ", 1)[0]
        return f"{PREFIX}|{asker}|#{key}|{name}"[:limit]

    def menu(self, index: int, asker: str, personal: bool) -> str:
        """A menu's own id (unique within its message); the chosen option's id holds the command."""
        return f"{PREFIX}|{_who(asker, personal)}|menu:{index}"

    def decode(self, token: str) -> Ticket | None:
        """The ticket an id stands for, or None for an id racebot did not make (or an older form)."""
        parts = token.split("|", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        personal, asker, body = parts[1].startswith("!"), parts[1].lstrip("!"), parts[2]
        if body.startswith(("/", f"{FULL_TABLE}/")):
            full, command = _marked(body)
            return Ticket(asker, personal, command, command[1:].split(" ", 1)[0], full)
        if body.startswith("#"):
            key, _, name = body[1:].partition("|")
            kept = self._kept.get(key)
            if kept is None:
                return Ticket(asker, personal, None, name)
            full, command = _marked(kept)
            return Ticket(asker, personal, command, name, full)
        return Ticket(asker, personal, None, "")  # a menu's own id: no command of its own


def _marked(body: str) -> tuple[bool, str]:
    """Whether an id's command asks for the full table, and the command itself."""
    return (True, body[len(FULL_TABLE):]) if body.startswith(FULL_TABLE) else (False, body)


def _who(asker: str, personal: bool) -> str:
    asker = asker.replace("|", "").lstrip("!")
    return f"!{asker}" if personal else asker


Run = Callable[[str, Context], Awaitable[Reply]]


async def answer_click(codec: ActionCodec, run: Run, carrier: str, chosen: str | None, ctx: Context,
                       sent_at: datetime | None, now: datetime) -> ClickAnswer:
    """What a click answers: the command its id names, run again for the clicker, or a polite
    private word (with a fresh command to type) when the message is too old, its meaning was
    lost in a restart, or the action belongs to someone else's question."""
    own = codec.decode(carrier)
    ticket = codec.decode(chosen) if chosen is not None else own
    if own is None or ticket is None:
        return _private("This button comes from an older version of racebot and no longer works.",
                        "Type the command again; /help lists them.", ctx)
    fresh = ticket.command or (f"/{ticket.name}" if ticket.name else "/help")
    if sent_at is not None and now - sent_at > MAX_AGE:
        return _private("That message is more than a day old, so its buttons have retired "
                        "(the data may have changed since).", f"For a fresh answer, run: {fresh}", ctx)
    if own.personal and own.asker != ctx.user_id:
        return _private("That choice belongs to the person who asked.",
                        f"To ask it yourself, run: {fresh}", ctx)
    if ticket.command is None:
        return _private("racebot has restarted since that message was sent and no longer knows "
                        "what this button did.", f"Run {fresh} again.", ctx)
    reply = await run(ticket.command, replace(ctx, clickable=True))
    if ticket.full_table:
        return _full_table(reply, ticket.command, ctx)
    if reply.error and not reply.actions:  # e.g. the data changed: keep the message, tell the clicker
        return ClickAnswer(reply, False, ctx.user_id)
    return ClickAnswer(reply, True, own.asker or ctx.user_id)


def _full_table(reply: Reply, command: str, ctx: Context) -> ClickAnswer:
    """The answer's whole table, for the clicker alone; the clicked message stays as it was."""
    if reply.error:  # the data changed under it: the clicker hears why
        return ClickAnswer(replace(reply, actions=()), False, ctx.user_id)
    shown = full_table_reply(reply, command)
    if shown is None:
        return _private("That answer has no table any more (the data may have changed since).",
                        f"For a fresh answer, run: {command}", ctx)
    return ClickAnswer(shown, False, ctx.user_id, aside=True)


def _private(message: str, hint: str, ctx: Context) -> ClickAnswer:
    return ClickAnswer(error_reply(message, hint=hint), False, ctx.user_id)
