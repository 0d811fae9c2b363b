"""users.info, asked once per user and remembered: admin rights and each user's time zone.

The cache is bounded (the least recently used user is dropped first) and each caller says how
old an answer it accepts: admin rights five minutes, a time zone a day.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.announce.subscriptions import valid_timezone

log = logging.getLogger(__name__)

CACHED_USERS = 10_000
ZONE_SECONDS = 86_400.0  # someone who travels sees their new zone within a day
ZONE_TIMEOUT = 1.0  # the answer waits no longer than this for the zone; UTC instead


class Users:
    def __init__(self, client: AsyncWebClient, *, clock: Callable[[], float] = time.monotonic,
                 size: int = CACHED_USERS, zone_timeout: float = ZONE_TIMEOUT) -> None:
        self._client = client
        self._clock = clock
        self._size = size
        self._zone_timeout = zone_timeout
        self._cache: OrderedDict[str, tuple[float, dict]] = OrderedDict()

    async def info(self, user_id: str, max_age: float) -> dict | None:
        """users.info's `user`, at most `max_age` seconds old; None when Slack would not say."""
        hit = self._cache.get(user_id)
        if hit and self._clock() - hit[0] < max_age:
            self._cache.move_to_end(user_id)
            return hit[1]
        try:
            resp = await self._client.users_info(user=user_id)
        except SlackApiError as exc:  # users:read scope missing, unknown user, rate limited
            data = getattr(exc.response, "data", None)
            log.warning("users.info failed for %s: %s", user_id,
                        data.get("error", "") if isinstance(data, dict) else "unreadable answer")
            return None
        user = resp.get("user") or {}
        self._cache[user_id] = (self._clock(), user)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return user

    async def timezone(self, user_id: str) -> str:
        """The user's IANA zone from their Slack profile (`tz`), or UTC when it is unknown, Slack
        fails, or the answer would wait longer than the zone timeout."""
        try:
            user = await asyncio.wait_for(self.info(user_id, ZONE_SECONDS), self._zone_timeout)
        except Exception:  # a timeout or a network error: the answer goes on in UTC
            log.info("no time zone for %s in time: answering in UTC", user_id, exc_info=True)
            return "UTC"
        tz = (user or {}).get("tz") or ""
        return tz if valid_timezone(tz) else "UTC"
