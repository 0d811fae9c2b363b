"""Which channels' announcements this process delivers on a platform without shards (Slack).

Processes that all read the same oldest due rows compete for the claims, so a second Slack
process added contention, not throughput. With `[announcements] slice = "k/n"` a process
delivers the channels whose stable hash falls in its slice: `slice_of(workspace, channel, n)`,
the first 32 bits of md5("workspace:channel"), modulo n. md5 because PostgreSQL computes it
natively and SQLite through the same Python function (`SQL_FUNCTION`), so both backends agree
with this module. One channel has one sender, as with Discord's shards.

A dead process's slice is not stranded: a row due for longer than `2 x lease` is anyone's
(`Slice.stale_before`), and the outbox's lease and fencing token still keep it once-only.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

SQL_FUNCTION = "racebot_slice_hash"  # SQLite's name for channel_hash (storage registers it)
TAKEOVER_LEASES = 2  # a row due this many leases ago is taken by any process


def channel_hash(workspace: str, channel: str) -> int:
    return int(hashlib.md5(f"{workspace}:{channel}".encode()).hexdigest()[:8], 16)


def slice_of(workspace: str, channel: str, count: int) -> int:
    return channel_hash(workspace, channel) % count


@dataclass(frozen=True)
class Slice:
    index: int  # 0-based; the config's "k/n" is 1-based (k = index + 1)
    count: int
    exempt: str | None = None  # a platform split by shards instead (Discord with shard_ids)

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"slice {self.index + 1}/{self.count} does not exist")

    @classmethod
    def parse(cls, text: str) -> "Slice":
        """`"k/n"`: the k-th of n slices, k from 1 to n. ValueError with a one-line reason."""
        k, sep, n = text.partition("/")
        if not sep or not k.strip().isdigit() or not n.strip().isdigit():
            raise ValueError('expected "k/n", e.g. "1/3" for the first of three processes')
        k_, n_ = int(k), int(n)
        if n_ < 1 or not 1 <= k_ <= n_:
            raise ValueError(f'"{text}" is not a slice: k runs from 1 to n, e.g. "1/3", "2/3", "3/3"')
        return cls(k_ - 1, n_)

    def owns(self, platform: str, workspace: str, channel: str) -> bool:
        return platform == self.exempt or slice_of(workspace, channel, self.count) == self.index

    @staticmethod
    def stale_before(now: datetime, lease_seconds: float) -> datetime:
        """Rows due before this are past their own slice's turn: any process takes them."""
        return now - timedelta(seconds=TAKEOVER_LEASES * lease_seconds)
