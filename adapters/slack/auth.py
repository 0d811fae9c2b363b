"""Who may run admin_only commands: workspace admins and owners, or user ids listed in config."""
from __future__ import annotations

import logging
import time
from typing import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0  # a promotion or demotion takes effect within five minutes


class AdminCheck:
    def __init__(self, client: AsyncWebClient, admin_user_ids: frozenset[str], *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._listed = admin_user_ids
        self._clock = clock
        self._cache: dict[str, tuple[float, bool]] = {}

    def listed(self, user_id: str) -> bool:
        """Named in `[slack] admin_user_ids`; needs no call to Slack."""
        return user_id in self._listed

    async def is_admin(self, user_id: str) -> bool:
        if user_id in self._listed:
            return True
        hit = self._cache.get(user_id)
        if hit and self._clock() - hit[0] < CACHE_SECONDS:
            return hit[1]
        try:
            resp = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            # Fail closed: no answer from Slack means no admin rights (users:read scope missing?).
            data = getattr(exc.response, "data", None)
            log.warning("users.info failed for %s: %s", user_id,
                        data.get("error", "") if isinstance(data, dict) else "unreadable answer")
            return False
        user = resp.get("user") or {}
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[user_id] = (self._clock(), admin)
        return admin
