"""Reading the store's change feed: how a running bot notices writes made by another process.

`racebot import` in another process used to stay invisible until the bot restarted. Every
results write adds to the store's feed in its own transaction; here it is read from where the
last reading stopped. Cheap when nothing happened: the store's `data_version` (microseconds)
says whether anyone committed at all, and only then is the feed read.

This is the one place the feed is read: the core changes its indexes race by race from the
`Change`s (bot.index_delta), or builds them beside and swaps when a change is a large share.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from bot.store import Change, Changes

log = logging.getLogger(__name__)

PAGE = 10_000  # changes read per query; a million-row import adds about one per race


class ChangeFeed:
    def __init__(self, store: Changes) -> None:
        self.store = store
        self.seq = 0  # everything up to here has been seen
        self._version: int | None = None

    async def skip_to_head(self) -> None:
        """Before a full load: what the load will see needs no reading afterwards."""
        self._version = self.store.data_version()
        self.seq = await self.store.change_head()

    def rewind(self, seq: int) -> None:
        """The next news() reads from `seq`, whoever committed since: indexes saved at that head
        were adopted (racebot.app), and everything after it is theirs to apply."""
        self.seq, self._version = seq, None

    async def news(self) -> list[Change]:
        """Changes since the last call; empty, without a query, when nobody has committed."""
        version = self.store.data_version()
        if version == self._version:
            return []
        self._version = version  # read before the feed: a commit after this is seen next time
        found: list[Change] = []
        while True:
            page = await self.store.changes_since(self.seq, PAGE)
            found += page
            if page:
                self.seq = page[-1].seq
            if len(page) < PAGE:
                return found


async def follow(refresh: Callable[[], Awaitable[int]], every: float) -> None:
    """Call `refresh()` every `every` seconds until cancelled; a failure is logged, not fatal."""
    while True:
        await asyncio.sleep(every)
        try:
            changed = await refresh()
            if changed:
                log.info("store changed elsewhere (%d changes): indexes reloaded", changed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reading the store's change feed failed; trying again in %.0f s", every)
