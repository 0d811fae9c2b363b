"""Announcements to a Discord channel: the core's Publisher contract over discord.py's HTTP.

Idempotency, in two layers:
- every message carries a nonce derived from (key, page) with `enforce_nonce`, so Discord
  itself returns the already-created message when a send is repeated within its dedupe
  window (minutes): this covers a send that reached Discord but whose answer was lost;
- pages already delivered are remembered here, so a repeated key posts nothing again from
  this process;
- each page carries a reference to (key, page) in its footer, so a retry the outbox marks as in
  doubt, later than the nonce's window, reads the channel's latest messages first and skips the
  pages already there (adapters/discord/recall.py).
Beyond these, the core's outbox (delivered rows) is the record.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import Callable

import aiohttp
import discord

from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.replies import Reply

from adapters.discord import limits, recall
from adapters.discord.outbound import message_kwargs
from adapters.discord.render import render

log = logging.getLogger(__name__)
RETRY_SOON = 5.0  # seconds, while the adapter is still logging in
NO_TIME = 0.0  # 5xx and network errors say nothing about when: the outbox backs off from about 1 s
# Discord returns the message already created with a nonce for "a few minutes"; within this, a
# retry in doubt trusts the nonce, past it, it reads the channel first.
NONCE_WINDOW = timedelta(minutes=2)
_REMEMBER = 10_000


def nonce_for(key: str, page: int) -> str:
    """A stable nonce within Discord's 25 characters: 24 hex digits of a hash of key and page."""
    digest = hashlib.blake2b(f"{key}\x1f{page}".encode(), digest_size=12).hexdigest()
    assert len(digest) <= limits.NONCE
    return digest


class ChannelPublisher:
    platform = "discord"

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), *,
                 nonce_window: timedelta = NONCE_WINDOW) -> None:
        self.client: discord.Client | None = None  # set by the adapter once logged in
        self.clock, self.nonce_window = clock, nonce_window
        self._sent: OrderedDict[str, str] = OrderedDict()  # nonce -> message id
        self._dms: OrderedDict[int, int] = OrderedDict()  # user id -> DM channel id

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        if channel.platform != self.platform or not (channel.channel.isdigit() or channel.user_id.isdigit()):
            return Delivery(Outcome.REJECTED, detail=f"not a Discord channel: {channel}")
        client = self.client
        if client is None:
            return Delivery(Outcome.RETRY, RETRY_SOON, detail="Discord adapter not started")
        if channel.user_id:  # a follower's direct messages: opened (or found) first
            dm = await self._dm_channel(client, int(channel.user_id))
            if isinstance(dm, Delivery):
                return dm
            target = client.get_partial_messageable(dm)
        else:
            target = client.get_partial_messageable(
                int(channel.channel), guild_id=int(channel.workspace) if channel.workspace.isdigit() else None)
        pages = render(reply)
        refs = [recall.ref_for(key, page) for page in range(len(pages))]
        nonces = [nonce_for(key, page) for page in range(len(pages))]
        if in_doubt_since is not None and self.clock() - in_doubt_since > self.nonce_window \
                and not all(n in self._sent for n in nonces):
            found = await recall.find_pages(target, client.user.id if client.user else None, refs)
            if isinstance(found, Delivery):
                return found
            for page, message_id in found.items():
                self._remember(nonces[page], message_id)
        ids = []
        for page, message in enumerate(pages):
            nonce = nonces[page]
            if nonce not in self._sent:
                outcome = await self._post(target, message_kwargs(recall.stamp(message, refs[page])), nonce)
                if isinstance(outcome, Delivery):
                    return outcome
                self._remember(nonce, outcome)
            ids.append(self._sent[nonce])
        return Delivery(Outcome.DELIVERED, message_id=ids[0], detail=f"{len(ids)} message(s)")

    async def _dm_channel(self, client: discord.Client, user_id: int) -> int | Delivery:
        """The DM channel's id (POST /users/@me/channels, the same channel every time; kept in
        memory only, and bounded). A closed DM answers 403 50007 to the send, not here."""
        if user_id in self._dms:
            self._dms.move_to_end(user_id)
            return self._dms[user_id]
        try:
            dm = await client.create_dm(discord.Object(id=user_id))
        except discord.RateLimited as exc:
            return Delivery(Outcome.RETRY, exc.retry_after, detail="rate limited")
        except (discord.NotFound, discord.Forbidden) as exc:  # no such user, or none reachable
            return Delivery(Outcome.GONE, detail=f"{exc.status} {exc.code} {exc.text}")
        except discord.HTTPException as exc:
            return Delivery(Outcome.RETRY, NO_TIME, detail=f"Discord error {exc.status} opening a DM")
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            return Delivery(Outcome.RETRY, NO_TIME, detail=f"network: {type(exc).__name__}")
        self._dms[user_id] = dm.id
        while len(self._dms) > _REMEMBER:
            self._dms.popitem(last=False)
        return dm.id

    async def _post(self, target: discord.PartialMessageable, kwargs: dict, nonce: str) -> str | Delivery:
        """The message id, or the Delivery that says why there is none."""
        try:
            sent = await target.send(**kwargs, nonce=nonce)
            return str(sent.id)
        except discord.RateLimited as exc:  # a 429 longer than max_ratelimit_wait
            return Delivery(Outcome.RETRY, exc.retry_after, detail="rate limited")
        except (discord.NotFound, discord.Forbidden) as exc:
            # 10003 Unknown Channel, 50001 Missing Access, 50013 Missing Permissions: the channel
            # is gone or the bot was removed; 50007 a user who takes no DMs: stop sending there.
            return Delivery(Outcome.GONE, detail=f"{exc.status} {exc.code} {exc.text}")
        except discord.HTTPException as exc:
            if exc.status == 429:  # no Via header: discord.py does not retry these itself
                return Delivery(Outcome.RETRY, _retry_after(exc), detail="rate limited")
            if exc.status >= 500:  # Discord may have created it and failed the answer
                return Delivery(Outcome.RETRY, NO_TIME, detail=f"Discord error {exc.status}", maybe_posted=True)
            log.error("Discord rejected a message: %s %s %s", exc.status, exc.code, exc.text)
            return Delivery(Outcome.REJECTED, detail=f"{exc.status} {exc.code} {exc.text}")
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:  # sent, perhaps; unanswered
            return Delivery(Outcome.RETRY, NO_TIME, detail=f"network: {type(exc).__name__}", maybe_posted=True)

    def _remember(self, nonce: str, message_id: str) -> None:
        self._sent[nonce] = message_id
        while len(self._sent) > _REMEMBER:
            self._sent.popitem(last=False)


def _retry_after(exc: discord.HTTPException) -> float:
    header = exc.response.headers.get("Retry-After", "") if exc.response is not None else ""
    try:
        return max(float(header), 0.0)
    except ValueError:
        return NO_TIME
