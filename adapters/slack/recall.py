"""Finding an announcement already in a Slack channel, by the outbox key in its message metadata.

chat.postMessage has no idempotency key, so each part of an announcement carries
`metadata = {event_type: racebot_announcement, event_payload: {key, part}}`. When an earlier
attempt may have posted (a 500 after Slack stored the message, a timeout, a crash after the
claim), the publisher reads the channel's history since that attempt (conversations.history with
include_all_metadata; the parts in a spoiler's thread through conversations.replies) and resumes
after the parts it finds. Reading needs the channels:history, groups:history and im:history scopes.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from adapters.slack.outbound import Outbound
from bot.announce.publishing import Delivery, Outcome

log = logging.getLogger(__name__)

EVENT_TYPE = "racebot_announcement"
SLACK_CLOCK_SKEW = timedelta(minutes=2)  # Slack's ts comes from Slack's clock, not ours
PAGES = 5  # pages of history read at most: 1,000 messages since the first attempt
PAGE = 200


def metadata(key: str, part: int) -> dict:
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key, "part": part}}


async def find_parts(outbound: Outbound, channel: str, key: str, since: datetime,
                     threaded: bool) -> dict[int, str] | Delivery:
    """{part: ts} of this key's parts already in the channel, or the RETRY/GONE that stopped the look."""
    oldest = f"{(since - SLACK_CLOCK_SKEW).timestamp():.6f}"
    found: dict[int, str] = {}
    cursor = ""
    for _ in range(PAGES):
        page = await outbound.read("conversations.history", channel=channel, oldest=oldest, limit=PAGE,
                                   include_all_metadata=True, **({"cursor": cursor} if cursor else {}))
        if isinstance(page, Delivery):
            return _unreadable(page, channel, found)
        found.update(_parts(page.get("messages", []), key))
        cursor = (page.get("response_metadata") or {}).get("next_cursor", "")
        if not cursor or 0 in found:
            break
    if threaded and 0 in found:
        thread = await outbound.read("conversations.replies", channel=channel, ts=found[0], oldest=oldest,
                                     limit=PAGE, include_all_metadata=True)
        if isinstance(thread, Delivery):
            return _unreadable(thread, channel, found)
        found.update(_parts(thread.get("messages", []), key))
    return found


def _parts(messages: list[dict], key: str) -> dict[int, str]:
    out = {}
    for m in messages:
        meta = m.get("metadata") or {}
        payload = meta.get("event_payload") or {}
        if meta.get("event_type") == EVENT_TYPE and payload.get("key") == key and isinstance(payload.get("part"), int):
            out[payload["part"]] = str(m.get("ts", ""))
    return out


def _unreadable(d: Delivery, channel: str, found: dict[int, str]) -> dict[int, str] | Delivery:
    if d.outcome is Outcome.RETRY:
        return Delivery(Outcome.RETRY, d.retry_after, f"checking for an earlier post: {d.detail}")
    if d.outcome is Outcome.GONE and d.detail != "not_in_channel":  # posting is allowed there (chat:write.public)
        return d
    # Reading is refused (missing_scope: installed before the history scopes; not_in_channel: a
    # public channel posted to without joining). Nothing can be checked, and a message lost is
    # worse than one seen twice, so the post goes ahead.
    log.warning("cannot read Slack channel %s to check for an earlier post (%s): posting without the "
                "check; re-authorise the app with the history scopes, or invite it to the channel (docs/slack.md)",
                channel, d.detail)
    return found
