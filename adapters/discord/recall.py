"""Finding an announcement already in a Discord channel, by a short reference in its embed footer.

Discord's nonce (with enforce_nonce) returns the message already created with it, but only for a
few minutes. A retry later than that (the outbox backed off through an outage, another process
took over a row whose sender died mid-send) reads the channel's latest messages first and skips
the pages whose reference it finds. The reference is a hash of the outbox key and the page, a
dozen characters at the end of the footer: nothing a reader needs, no key or id shown.
Reading needs the Read Message History permission; without it the post goes ahead.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import replace

import aiohttp
import discord

from adapters.discord import limits
from adapters.discord.render import OutMessage
from bot.announce.publishing import Delivery, Outcome

log = logging.getLogger(__name__)

LOOK_BACK = 100  # latest messages read (one request): announcements channels are not busy
_MARK = " · ref "


def ref_for(key: str, page: int) -> str:
    return hashlib.blake2b(f"ref\x1f{key}\x1f{page}".encode(), digest_size=6).hexdigest()


def stamp(message: OutMessage, ref: str) -> OutMessage:
    """The message with `ref` at the end of its last embed's footer, within Discord's limits."""
    if not message.embeds:
        return message
    embeds = [dict(e) for e in message.embeds]
    last = embeds[-1]
    text = last.get("footer", {}).get("text", "")
    room = min(limits.FOOTER, limits.EMBED_TOTAL - sum(limits.embed_size(e) for e in embeds) + len(text))
    tail = (_MARK + ref) if text else ("ref " + ref)
    last["footer"] = {**last.get("footer", {}), "text": text[:max(room - len(tail), 0)] + tail}
    return replace(message, embeds=embeds)


async def find_pages(target: discord.PartialMessageable, me: int | None, refs: list[str]) -> dict[int, str] | Delivery:
    """{page: message id} of the refs found among the channel's latest messages by this bot, or
    the RETRY/GONE that stopped the look."""
    wanted = {ref: page for page, ref in enumerate(refs)}
    found: dict[int, str] = {}
    try:
        async for message in target.history(limit=LOOK_BACK):
            if me is not None and message.author.id != me:
                continue
            for embed in message.embeds:
                text = embed.footer.text or ""
                ref = text.rsplit("ref ", 1)[-1] if "ref " in text else ""
                if ref in wanted:
                    found[wanted[ref]] = str(message.id)
    except discord.NotFound as exc:
        return Delivery(Outcome.GONE, detail=f"{exc.status} {exc.code} {exc.text}")
    except discord.Forbidden as exc:  # no Read Message History: a repeat is better than a loss
        log.warning("cannot read Discord channel %s to check for an earlier post (%s %s): posting without "
                    "the check; grant racebot Read Message History", target.id, exc.code, exc.text)
        return found
    except discord.RateLimited as exc:
        return Delivery(Outcome.RETRY, exc.retry_after, detail="checking for an earlier post: rate limited")
    except discord.HTTPException as exc:
        if exc.status == 429 or exc.status >= 500:
            return Delivery(Outcome.RETRY, 0.0, detail=f"checking for an earlier post: Discord error {exc.status}")
        log.warning("reading Discord channel %s failed (%s %s): posting without the check", target.id,
                    exc.status, exc.text)
        return found
    except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
        return Delivery(Outcome.RETRY, 0.0, detail=f"checking for an earlier post: {type(exc).__name__}")
    return found
