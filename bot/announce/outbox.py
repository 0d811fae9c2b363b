"""The announcement outbox: one row per (subscription, race, revision), written with the results.

A row is born `pending` in the transaction that stored the result, and ends `delivered`,
`failed` (rejected by the platform, or it could not be rendered), `expired` (the platform did not
accept it while it was still worth posting: rate limits and outages only delay a row),
`dropped` (its channel went away or unsubscribed) or `superseded` (a newer revision of the race
came before it was sent).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from bot.domain.models import Competition, Race
from bot.announce.follows import AlertNote
from bot.announce.subscriptions import Subscription

PENDING, DELIVERED, FAILED, DROPPED, SUPERSEDED = "pending", "delivered", "failed", "dropped", "superseded"
EXPIRED = "expired"
STATES = (PENDING, DELIVERED, FAILED, EXPIRED, DROPPED, SUPERSEDED)
RESULT, CORRECTION = "result", "correction"
FOLLOW = "follow"  # a personal alert in a user's direct messages; its note names the follows (follows.AlertNote)


@dataclass(frozen=True)
class Entry:
    """What an announcement says about one athlete: a change here is a correction."""

    athlete_id: int
    name: str = field(compare=False)  # for the correction's text; a respelt name is no correction
    place: int | None = None
    mark: str = ""
    status: str = ""  # "", DNF, DNS, DQ, NM
    note: str = ""  # "DOP" when annulled; other notes (SC, NV, OC) are not announced, so not compared

    def as_list(self) -> list[Any]:
        return [self.athlete_id, self.name, self.place, self.mark, self.status, self.note]


@dataclass(frozen=True)
class RaceFacts:
    race: Race
    competition: Competition
    entries: tuple[Entry, ...]  # ordered by athlete id, so equal races compare equal

    @property
    def athlete_ids(self) -> frozenset[int]:
        return frozenset(e.athlete_id for e in self.entries)


@dataclass(frozen=True)
class Version:
    """The last announced-or-recorded state of a race."""

    revision: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class PollStart:
    """What a poll learns as it begins: whether it is the source's first, and which
    subscriptions take this poll as their baseline (they get nothing from it)."""

    first_for_source: bool
    baseline_subscriptions: frozenset[int]


@dataclass(frozen=True)
class EarlierRow:
    id: int
    revision: int
    kind: str
    note: str
    state: str
    leased: bool  # a delivery worker holds it right now: it may already be posted


@dataclass(frozen=True)
class NewRow:
    subscription_id: int
    race_id: int
    revision: int
    kind: str
    note: str
    created_at: datetime
    due_at: datetime


class Delivered(NamedTuple):
    """A row the platform accepted: what `mark_delivered` records, if `token` still holds the row."""

    row_id: int
    at: datetime
    message_id: str = ""
    detail: str = ""
    token: int = 0


@dataclass(frozen=True)
class Claim:
    """A row leased to one sender. `token` fences its marks: a later claim raises it, and a mark
    carrying an older one changes nothing. `in_doubt`: an earlier attempt may have posted (it got
    no clear answer, or its sender died holding the row), so look before posting again, as far
    back as `first_attempt_at`."""

    token: int
    in_doubt: bool = False
    first_attempt_at: datetime | None = None


@dataclass(frozen=True)
class OutboxHealth:
    """For /status: what is waiting, what keeps failing, what was given up."""

    pending: int = 0
    retrying: int = 0  # pending rows that have had at least one failed attempt
    oldest_due: datetime | None = None  # the longest-waiting pending row
    last_error: str = ""  # of the row retried most recently
    expired: int = 0


@dataclass(frozen=True)
class OutboxItem:
    id: int
    subscription: Subscription
    race_id: int
    revision: int
    kind: str
    note: str
    created_at: datetime
    due_at: datetime
    state: str
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None = None
    message_id: str = ""
    detail: str = ""
    lease_until: datetime | None = None  # a delivery worker holds the row until then

    def key(self, namespace: str) -> str:
        """The idempotency key: the same on every attempt, so an adapter can drop a repeat."""
        base = f"{namespace}:{self.subscription.id}:{self.race_id}:{self.revision}"
        if self.kind == FOLLOW:  # the follows it answers are part of what was sent
            return f"{base}:f{'.'.join(map(str, AlertNote.parse(self.note).follows))}"
        return base
