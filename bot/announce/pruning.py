"""Finished announcements are history: kept `prune_after` for `racebot outbox` and /status, then
deleted, so the outbox stays the size of what is in flight rather than of every post ever made.

Never a pending row. For each race a channel was shown, its newest delivered row stays while the
subscription is active: a correction to that race, however late, is still told as a correction
(bot.announce.diff looks for what the channel was shown). Rows of an ended subscription go whole.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from bot.announce.store import OutboxPruning

log = logging.getLogger(__name__)


class Pruner:
    def __init__(self, store: OutboxPruning, keep: timedelta,
                 on_pruned: Callable[[int], None] | None = None) -> None:
        self.store, self.keep, self.on_pruned = store, keep, on_pruned

    async def step(self, now: datetime) -> int:
        """The job body: delete what finished before `now - keep`; returns how many rows went."""
        gone = await self.store.prune_outbox(now - self.keep)
        if gone:
            log.info("pruned %d finished announcement(s) older than %s", gone, self.keep)
        if self.on_pruned is not None:
            self.on_pruned(gone)
        return gone
