"""SQLite rows -> subscriptions and outbox items, and the one timestamp format they use."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache

from bot.announce.outbox import OutboxItem
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Filters, Subscription
from storage.convert import Row

SUBSCRIPTION_COLS = ("s.id, s.platform, s.workspace, s.channel, s.filters, s.spoiler, s.delay_minutes, "
                     "s.timezone, s.created_at, s.created_by, s.active, s.baseline_at, s.ended_reason")
OUTBOX_COLS = ("o.id, o.race_id, o.revision, o.kind, o.note, o.created_at, o.due_at, o.state, o.attempts, "
               "o.next_attempt_at, o.delivered_at, o.message_id, o.detail, o.lease_until")
SUBSCRIPTION_WIDTH = 13


def ts(moment: datetime) -> str:
    """UTC, microseconds, fixed width: text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (UTC)")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def when(text: str | None) -> datetime | None:
    return at(text) if text else None


def at(text: str) -> datetime:
    """A NOT NULL time column."""
    return datetime.fromisoformat(text)


@lru_cache(maxsize=1024)
def _filters(text: str) -> Filters:
    """Most subscriptions share a handful of filter sets ('{}' above all): decode each once."""
    return Filters.from_json(json.loads(text))


def subscription(row: Row, at: int = 0) -> Subscription:
    (i, platform, workspace, channel, filters, spoiler, delay, tz, created, by, active, baseline,
     reason) = row[at:at + SUBSCRIPTION_WIDTH]
    return Subscription(ChannelRef(platform, workspace, channel), _filters(filters),
                        spoiler, delay, tz, i, when(created), by, bool(active), baseline is not None, reason)


def outbox_item(row: Row) -> OutboxItem:
    sub = subscription(row)
    (i, race, rev, kind, note, created, due, state, attempts, next_at, delivered, message_id,
     detail, lease) = row[SUBSCRIPTION_WIDTH:SUBSCRIPTION_WIDTH + 14]
    return OutboxItem(i, sub, race, rev, kind, note, at(created), at(due), state, attempts, at(next_at),
                      when(delivered), message_id, detail, when(lease))
