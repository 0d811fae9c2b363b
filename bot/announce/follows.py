"""A follow: one person's wish to hear about one athlete (or one rivalry) in their direct messages.

Stored per user and platform (`ChannelRef.for_user`), at most MAX_FOLLOWS each. A follow of a
rivalry (`rival_id`) matches only races both athletes ran.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from bot.announce.publishing import ChannelRef

MAX_FOLLOWS = 50
RESULTS, START, BOTH = "results", "start", "both"
WHEN = (RESULTS, START, BOTH)
SPOILERS = ("off", "on")  # on: results hidden behind the platform's spoiler


@dataclass(frozen=True)
class Follow:
    user: ChannelRef  # where alerts go: the user's direct messages
    athlete_id: int
    rival_id: int = 0  # 0: one athlete; else alerts when both race
    event: str = ""  # a discipline code, or "" for every event
    when: str = RESULTS
    spoilers: str = "off"
    id: int = 0  # 0 until stored
    subscription_id: int = 0  # the user's direct-message target in the outbox
    created_at: datetime | None = None
    gone_at: datetime | None = None  # the platform said the DM is closed: no more alerts
    gone_detail: str = ""
    gone_reported: bool = False  # /following said so once

    def matches(self, event: str, athlete_ids: frozenset[int] | set[int]) -> bool:
        if self.gone_at is not None or self.when == START:  # start lists: not from any source yet
            return False
        if self.event and self.event != event:
            return False
        return self.athlete_id in athlete_ids and (not self.rival_id or self.rival_id in athlete_ids)


def by_athlete(follows: Iterable[Follow]) -> dict[int, list[Follow]]:
    """Followers looked up per athlete: a race asks only about its own athletes."""
    out: dict[int, list[Follow]] = defaultdict(list)
    for f in follows:
        out[f.athlete_id].append(f)
    return out


def matching(index: dict[int, list[Follow]], event: str, athlete_ids: frozenset[int]) -> list[Follow]:
    """The follows a race with these athletes fires, each once."""
    return [f for a in athlete_ids for f in index.get(a, ()) if f.matches(event, athlete_ids)]


@dataclass(frozen=True)
class AlertNote:
    """What an alert's outbox row carries about its follows, so the message needs no other read
    (and a follow deleted meanwhile drops the row rather than leaving it without a reader)."""

    follows: tuple[int, ...]
    athletes: tuple[int, ...]  # followed athletes in the race, in follow order
    rivalries: tuple[tuple[int, int], ...] = ()
    spoilers: str = "off"

    @classmethod
    def of(cls, follows: list[Follow]) -> "AlertNote":
        return cls(tuple(f.id for f in follows),
                   tuple(dict.fromkeys(f.athlete_id for f in follows if not f.rival_id)),
                   tuple(dict.fromkeys((f.athlete_id, f.rival_id) for f in follows if f.rival_id)),
                   "on" if any(f.spoilers == "on" for f in follows) else "off")

    def text(self) -> str:
        return json.dumps({"follows": self.follows, "athletes": self.athletes,
                           "rivalries": self.rivalries, "spoilers": self.spoilers}, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str) -> "AlertNote":
        data = json.loads(text) if text else {}
        return cls(tuple(data.get("follows", ())), tuple(data.get("athletes", ())),
                   tuple((a, b) for a, b in data.get("rivalries", ())), data.get("spoilers", "off"))


def digest_due(last_due: datetime | None, now: datetime, window: timedelta) -> datetime:
    """When a user's next alert goes out: now, unless they had one within `window`; then with the
    group already waiting, or one window after the last (one message per window, not many).

    A group is joined only while it is not yet due, so a group being sent never grows."""
    if last_due is None or last_due <= now - window:
        return now
    return last_due if last_due > now else last_due + window
