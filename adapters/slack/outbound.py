"""The one function every Slack message leaves through: limits checked, errors mapped to outcomes.

Two destinations exist: a channel (chat.postMessage, optionally in a thread) and a slash
command's response_url. Both answer with a `Delivery`, so callers never see Slack's errors.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.limits import violations
from bot.announce.publishing import Delivery, Outcome

log = logging.getLogger(__name__)

# The channel is deleted/archived, the bot was removed, or the workspace uninstalled us.
# conversations.open: the person left, was deactivated, or cannot be messaged by this app.
DM_GONE_ERRORS = frozenset({"user_not_found", "user_disabled", "user_not_visible", "cannot_dm_bot",
                            "account_inactive"})
GONE_ERRORS = frozenset({"channel_not_found", "is_archived", "not_in_channel", "account_inactive",
                         "token_revoked", "team_not_found"})
# Slack's own transient failures, sometimes sent with HTTP 200 and ok: false.
RETRY_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                          "request_timeout"})
# Slack sends Retry-After with every 429; 5xx and network errors name no time (0): the outbox
# backs off exponentially from about a second.
DEFAULT_RETRY_AFTER = 0.0


@dataclass(frozen=True)
class Dest:
    channel: str = ""  # chat.postMessage into this channel id ...
    thread_ts: str = ""  # ... optionally as a reply in this thread
    response_url: str = ""  # ... or answer a slash command through its response_url
    ephemeral: bool = False  # response_url only: just the person who typed the command sees it
    replace: bool = False  # response_url of a click only: the message clicked on becomes this one

    def __str__(self) -> str:  # response_urls are bearer-like capabilities: never log them
        return f"channel {self.channel}" if self.channel else "response_url"


def web_client(session: aiohttp.ClientSession, base_url: str, token: str | None = None) -> AsyncWebClient:
    """The Web API client every Slack call goes through, over our one aiohttp session."""
    return AsyncWebClient(token=token, base_url=base_url, session=session, logger=_sdk_logger("racebot.slack.web"))


def _sdk_logger(name: str) -> logging.Logger:
    """slack_sdk builds its per-request debug text (the whole message, on the way out and back)
    whenever `logger.level <= DEBUG`, reading the logger's own level, not the effective one: an
    unset level (0) means it is built, then dropped, on every post. Pinning the level to the
    effective one at start-up (logging is configured by then) builds it only when it is shown."""
    logger = logging.getLogger(name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logger.getEffectiveLevel())
    return logger


class Outbound:
    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession) -> None:
        self._client = client
        self._session = session

    async def post(self, dest: Dest, message: dict) -> Delivery:
        problems = violations(message)
        if problems:  # a renderer bug: refuse here rather than let Slack cut or drop the message
            log.error("not posting to %s: %s", dest, "; ".join(problems))
            return Delivery(Outcome.REJECTED, detail="; ".join(problems))
        try:
            if dest.response_url:
                return await self._respond(dest, message)
            return await self._post_message(dest, message)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:  # it may have arrived: no answer is no "no"
            log.warning("posting to %s failed: %s", dest, type(exc).__name__)
            return Delivery(Outcome.RETRY, retry_after=DEFAULT_RETRY_AFTER, detail=type(exc).__name__,
                            maybe_posted=True)

    async def upload(self, channel: str, png: bytes, *, title: str, alt: str) -> Delivery:
        """A PNG into a channel through Slack's current upload API (files.getUploadURLExternal, the
        upload, files.completeUploadExternal: slack_sdk's files_upload_v2 makes all three calls)."""
        try:
            await self._client.files_upload_v2(channel=channel, file=png, filename="racebot.png",
                                               title=title[:250], alt_txt=alt[:1000])
        except SlackApiError as exc:
            return _failed(Dest(channel=channel), *_api_error(exc))
        except SlackClientError as exc:  # the upload itself (step 2) was refused
            log.warning("uploading a chart to %s failed: %s", channel, str(exc)[:200])
            return Delivery(Outcome.REJECTED, detail="upload refused")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("uploading a chart to %s failed: %s", channel, type(exc).__name__)
            return Delivery(Outcome.RETRY, retry_after=DEFAULT_RETRY_AFTER, detail=type(exc).__name__)
        return Delivery(Outcome.DELIVERED)

    async def upload_private(self, png: bytes, *, title: str, alt: str) -> str | None:
        """A PNG uploaded into no channel (so nobody else sees it), for a message's image block to
        show by its file id (`slack_file`); the id, or None when Slack refused it (logged)."""
        try:
            resp = await self._client.files_upload_v2(file=png, filename="racebot.png", title=title[:250],
                                                      alt_txt=alt[:1000])
        except (SlackApiError, SlackClientError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("uploading a picture failed: %s", type(exc).__name__)
            return None
        found = resp.get("file") or {}
        return str(found.get("id", "")) or None

    async def read(self, method: str, **args) -> dict | Delivery:
        """A Web API read (conversations.history, ...): its data, or the Delivery saying why not
        (RETRY for limits and outages, GONE for a channel gone, REJECTED otherwise)."""
        try:
            resp = await self._client.api_call(method, http_verb="GET", params=args)
        except SlackApiError as exc:
            status, error, headers = _api_error(exc)
            return replace(_failed(Dest(channel=str(args.get("channel", ""))), status, error, headers),
                           maybe_posted=False)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return Delivery(Outcome.RETRY, retry_after=DEFAULT_RETRY_AFTER, detail=type(exc).__name__)
        return resp.data if isinstance(resp.data, dict) else {}

    async def open_dm(self, user: str) -> str | Delivery:
        """The id of the bot's DM with `user` (conversations.open, needs im:write), or why not."""
        try:
            resp = await self._client.conversations_open(users=user)
        except SlackApiError as exc:
            status, error, headers = _api_error(exc)
            return replace(_failed(Dest(channel=user), status, error, headers, gone=error in DM_GONE_ERRORS),
                           maybe_posted=False)  # opening posts nothing
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return Delivery(Outcome.RETRY, retry_after=DEFAULT_RETRY_AFTER, detail=type(exc).__name__)
        channel = resp.get("channel") or {}
        return str(channel.get("id", "")) if isinstance(channel, dict) else ""

    async def _post_message(self, dest: Dest, message: dict) -> Delivery:
        extra: dict[str, Any] = {"thread_ts": dest.thread_ts} if dest.thread_ts else {}
        if message.get("metadata"):  # the outbox key, found again by conversations.history
            extra["metadata"] = message["metadata"]
        try:
            resp = await self._client.chat_postMessage(
                channel=dest.channel, text=message["text"], blocks=message["blocks"],
                unfurl_links=False, unfurl_media=False, **extra)
        except SlackApiError as exc:
            return _failed(dest, *_api_error(exc))
        return Delivery(Outcome.DELIVERED, message_id=str(resp.get("ts", "")))

    async def _respond(self, dest: Dest, message: dict) -> Delivery:
        body = ({"replace_original": True, **message} if dest.replace else
                {"response_type": "ephemeral" if dest.ephemeral else "in_channel", "replace_original": False,
                 **message})
        async with self._session.post(dest.response_url, json=body,
                                      timeout=aiohttp.ClientTimeout(total=10)) as resp:
            text = (await resp.text())[:100]
            if resp.status == 200:
                return Delivery(Outcome.DELIVERED)
            # response_url answers plain text errors: expired_url, used_url, no_text, invalid_blocks
            return _failed(dest, resp.status, text.strip(), resp.headers,
                           gone=resp.status in (404, 410) or text.strip() in ("expired_url", "used_url"))


def _failed(dest: Dest, status: int, error: str, headers, *, gone: bool = False) -> Delivery:
    if status == 429 or error == "ratelimited":
        after = _retry_after(headers)
        log.info("Slack rate-limited a post to %s; retry in %.0f s", dest, after)
        return Delivery(Outcome.RETRY, retry_after=after, detail=error or "ratelimited")
    if status >= 500 or error in RETRY_ERRORS:  # Slack may have done the work and failed the answer
        log.warning("Slack failed a post to %s (%s %s)", dest, status, error)
        return Delivery(Outcome.RETRY, retry_after=_retry_after(headers), detail=error or f"HTTP {status}",
                        maybe_posted=True)
    if gone or error in GONE_ERRORS:
        log.info("Slack destination gone: %s (%s)", dest, error)
        return Delivery(Outcome.GONE, detail=error)
    log.error("Slack rejected a post to %s: HTTP %s %s", dest, status, error)
    return Delivery(Outcome.REJECTED, detail=error or f"HTTP {status}")


def _api_error(exc: SlackApiError) -> tuple[int, str, object]:
    """Status, error code and headers; a garbled body leaves slack_sdk holding aiohttp's response."""
    resp = exc.response
    status = getattr(resp, "status_code", None) or getattr(resp, "status", 0)
    data = getattr(resp, "data", None)
    error = str(data.get("error", "")) if isinstance(data, dict) else ""
    return int(status or 0), error, getattr(resp, "headers", None)


def _retry_after(headers) -> float:
    try:
        return max(float((headers or {}).get("Retry-After", "")), 0.0)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
