"""Replayed Slack requests: answered 200 with nothing, never run twice.

Slack signs each request with its timestamp and refuses nothing younger than five minutes, so
anyone who captured a signed request (a log, a proxy) could send it again within that window
and bolt would run it again: a second /subscribe, a second announcement. The signature of each
request that passed is remembered in the store until it would be stale anyway, so every
replica sharing the store knows it; a repeat is acknowledged (Slack must not retry it) and
dropped. bolt still does the signature check proper; this looks only at requests that pass it.

Slack also retries an Events API delivery itself (X-Slack-Retry-Num) when the ack was slow or
lost, as a new request, possibly to another replica behind the load balancer. Its `event_id`
stays the same, so event ids are remembered too, for as long as Slack retries (about five minutes,
three tries): a late retry of an `app_uninstalled` must not delete the install that came after it.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Callable, Mapping

from slack_sdk.signature import SignatureVerifier

from bot.errors import StoreBusy

log = logging.getLogger(__name__)

WINDOW_SECONDS = 300  # Slack's: a signature older than this is refused as stale
SKEW_SECONDS = 60  # replicas' clocks may differ a little: remember a bit longer
EVENT_SECONDS = 3600  # Slack's retries of one event come within minutes; an hour leaves room


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
        if not await self._first_sighting(signature, until):
            log.warning("Slack request replayed (timestamp %s): acknowledged, not run again", stamp)
            return 200
        event_id = _event_id(body)
        if event_id and not await self._first_sighting(f"event:{event_id}", self._clock() + EVENT_SECONDS):
            log.info("Slack event %s delivered again (retry %s): acknowledged, not run again", event_id,
                     headers.get("X-Slack-Retry-Num", "-"))
            return 200
        return None

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


def _event_id(body: str) -> str:
    """An Events API delivery's id (JSON bodies only; commands and clicks are forms)."""
    if not body.startswith("{"):
        return ""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    event_id = data.get("event_id") if isinstance(data, dict) and data.get("type") == "event_callback" else None
    return event_id if isinstance(event_id, str) else ""
