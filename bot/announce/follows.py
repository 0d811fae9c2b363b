"""A follow: one person's wish to hear about one athlete (or one rivalry) in their direct messages.

Stored per user and platform (`ChannelRef.for_user`), at most MAX_FOLLOWS each. A follow of a
rivalry (`rival_id`) matches only races both athletes ran.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, NamedTuple

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


class Follower(NamedTuple):
    """What matching a race needs of a follow, and no more: a map holds 100,000 of them, so no
    user reference is built (the store leaves out gone and start-list-only follows)."""

    id: int
    subscription_id: int
    athlete_id: int
    rival_id: int
    event: str
    spoilers: str


class FollowerMap:
    """Every live follow by athlete, in memory, so matching a race costs no read per follower.

    Kept per poller and checked at every poll against the store's follows version (the last entry
    of its log of changed follows, written with every follow, in any process): the follows
    changed since are read again, by id. Beside it, each user's
    last alert due (the digest window), loaded with it and moved on by the alerts this poller
    writes; an alert written meanwhile by another process for the same user is not seen until
    the next reload, which can only split a digest in two, never send or lose an alert."""

    def __init__(self) -> None:
        self.version: int | None = None
        self.index: dict[int, tuple[Follower, ...]] = {}
        self.last_due: dict[int, datetime] = {}
        self._athlete_of: dict[int, int] = {}  # follow id -> its athlete, to find it again on a change

    def load(self, version: int, followers: Iterable[Follower], last_due: dict[int, datetime]) -> None:
        # Tuples of ints and strings only: the garbage collector stops tracking them after its
        # first pass, so 100,000 follows do not slow every later full collection.
        index: dict[int, list[Follower]] = defaultdict(list)
        for f in followers:
            index[f.athlete_id].append(f)
        self.version, self.last_due = version, dict(last_due)
        self.index = {a: tuple(fs) for a, fs in index.items()}
        self._athlete_of = {f.id: f.athlete_id for fs in self.index.values() for f in fs}

    def apply(self, version: int, changed: Iterable[int], current: Iterable[Follower]) -> None:
        """Follows `changed` since the last version, as they are now (`current`: the live ones)."""
        changed = set(changed)
        now = list(current)
        touched = {self._athlete_of.pop(i) for i in changed if i in self._athlete_of} | {f.athlete_id for f in now}
        for f in now:
            self._athlete_of[f.id] = f.athlete_id
        fresh: dict[int, list[Follower]] = defaultdict(list)
        for f in now:
            fresh[f.athlete_id].append(f)
        for a in touched:
            kept = tuple(f for f in self.index.get(a, ()) if f.id not in changed) + tuple(fresh.get(a, ()))
            if kept:
                self.index[a] = kept
            else:
                self.index.pop(a, None)
        self.version = version


def matching(index: dict[int, tuple[Follower, ...]], event: str, athlete_ids: frozenset[int]) -> list[Follower]:
    """The follows a race with these athletes fires, each once (a follow names one athlete)."""
    return [f for a in athlete_ids if a in index for f in index[a]
            if (not f.event or f.event == event) and (not f.rival_id or f.rival_id in athlete_ids)]


@dataclass(frozen=True)
class AlertNote:
    """What an alert's outbox row carries about its follows, so the message needs no other read
    (and a follow deleted meanwhile drops the row rather than leaving it without a reader).

    As text: `f=12,13;a=519;r=519-366;s=off`, written by hand: a poll writes thousands of these,
    and JSON cost more than all the matching."""

    follows: tuple[int, ...]
    athletes: tuple[int, ...]  # followed athletes in the race, in follow order
    rivalries: tuple[tuple[int, int], ...] = ()
    spoilers: str = "off"

    @classmethod
    def text_of(cls, follows: list[Follower]) -> str:
        if len(follows) == 1:  # the common case, written directly
            f = follows[0]
            who = f"a=;r={f.athlete_id}-{f.rival_id}" if f.rival_id else f"a={f.athlete_id};r="
            return f"f={f.id};{who};s={f.spoilers}"
        ids = ",".join(str(f.id) for f in follows)
        athletes = ",".join(dict.fromkeys(str(f.athlete_id) for f in follows if not f.rival_id))
        rivals = ",".join(dict.fromkeys(f"{f.athlete_id}-{f.rival_id}" for f in follows if f.rival_id))
        spoilers = "on" if any(f.spoilers == "on" for f in follows) else "off"
        return f"f={ids};a={athletes};r={rivals};s={spoilers}"

    @classmethod
    def parse(cls, text: str) -> "AlertNote":
        parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)

        def ints(key: str) -> tuple[int, ...]:
            return tuple(int(x) for x in parts.get(key, "").split(",") if x)
        rivals = tuple((int(a), int(b)) for a, b in (x.split("-") for x in parts.get("r", "").split(",") if x))
        return cls(ints("f"), ints("a"), rivals, parts.get("s", "off"))


def digest_due(last_due: datetime | None, now: datetime, window: timedelta) -> datetime:
    """When a user's next alert goes out: now, unless they had one within `window`; then with the
    group already waiting, or one window after the last (one message per window, not many).

    A group is joined only while it is not yet due, so a group being sent never grows."""
    if last_due is None or last_due <= now - window:
        return now
    return last_due if last_due > now else last_due + window
