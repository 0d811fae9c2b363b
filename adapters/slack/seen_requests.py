"""Replayed Slack requests: answered 200 with nothing, never run twice.

Slack signs each request with its timestamp and refuses nothing younger than five minutes, so
anyone who captured a signed request (a log, a proxy) could send it again within that window
and bolt would run it again: a second /subscribe, a second announcement. The signature of each
request that passed is remembered in the store until it would be stale anyway, so every
replica sharing the store knows it; a repeat is acknowledged (Slack must not retry it) and
dropped. bolt still does the signature check proper; this looks only at requests that pass it.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Callable, Mapping

from slack_sdk.signature import SignatureVerifier

from bot.errors import StoreBusy

log = logging.getLogger(__name__)

WINDOW_SECONDS = 300  # Slack's: a signature older than this is refused as stale
SKEW_SECONDS = 60  # replicas' clocks may differ a little: remember a bit longer


class ReplayGuard:
    def __init__(self, store, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._verifier = SignatureVerifier(signing_secret)
        self._clock = clock
        self._local: dict[str, float] = {}  # only while the store is busy: this replica at least

    async def refusal(self, body: str, headers: Mapping[str, str]) -> int | None:
        """The HTTP status to answer with an empty body, or None to hand the request to bolt."""
        stamp = headers.get("X-Slack-Request-Timestamp", "")
        if not (stamp.isascii() and stamp.isdigit()):
            return 401  # bolt's own check would raise on int() and answer 500
        if not self._verifier.is_valid_request(body, headers):
            return None  # forged or stale: bolt refuses it with 401
        signature = headers.get("X-Slack-Signature", "")
        until = int(stamp) + WINDOW_SECONDS + SKEW_SECONDS
        if await self._first_sighting(signature, until):
            return None
        log.warning("Slack request replayed (timestamp %s): acknowledged, not run again", stamp)
        return 200

    async def _first_sighting(self, signature: str, until: float) -> bool:
        now = self._clock()
        self._local = {k: t for k, t in self._local.items() if t > now}
        if signature in self._local:
            return False
        try:
            return await self._store.first_sighting(
                f"slack:{signature}", datetime.fromtimestamp(now, timezone.utc),
                datetime.fromtimestamp(until, timezone.utc))
        except StoreBusy:
            # An import elsewhere holds the store: remember it here rather than refuse every
            # command until the import ends; other replicas cannot see it meanwhile.
            log.warning("store busy: this Slack request is remembered by this process only")
            self._local[signature] = until
            return True
