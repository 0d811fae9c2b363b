"""OAuth `state` values for bolt's install flow, kept in racebot's store: single use, ten minutes.

In the store, not in memory, so a browser sent to /slack/install by one replica may come back to
/slack/oauth_redirect on another. Each value is 32 random bytes; bolt also binds it to the
browser with a cookie, so a state copied into another browser is refused too.
"""
from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.store.installs import InstallStates

log = logging.getLogger(__name__)

STATE_SECONDS = 600  # from the install page to Slack's consent screen and back


class StoreStates(AsyncOAuthStateStore):
    def __init__(self, store: InstallStates, *, seconds: float = STATE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._seconds = seconds
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock()
        await self._store.issue_state(f"slack:{state}", datetime.fromtimestamp(now + self._seconds, timezone.utc),
                                      datetime.fromtimestamp(now, timezone.utc))
        return state

    async def async_consume(self, state: str) -> bool:
        ok = await self._store.consume_state(f"slack:{state}", datetime.fromtimestamp(self._clock(), timezone.utc))
        if not ok:
            log.info("Slack install: a state that is unknown, used or expired was refused")
        return ok
