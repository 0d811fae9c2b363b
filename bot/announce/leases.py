"""Leases kept alive while their rows are being sent.

A lease shorter than a slow send would otherwise lapse mid-send, and a second process would
claim the row and post it again. While any row is held, one task renews every held lease
(one statement for all of them) every `every` seconds of real time: the leases guard against
other processes, which live in real time whatever clock the caller's scheduling uses.
A row whose token moved on (another sender claimed it after a stall) is not renewed, and the
sender's own mark is refused by the store too (the fencing token): a lost lease costs a log
line, not a repeat.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Callable

from bot.announce.store import OutboxStore

log = logging.getLogger(__name__)


class Leases:
    def __init__(self, store: OutboxStore, until: Callable[[], datetime], every: float) -> None:
        self._store, self._until, self._every = store, until, every
        self._held: dict[int, int] = {}  # row id -> token
        self._renewer: asyncio.Task[None] | None = None
        self._sleeping = False

    def hold(self, row_id: int, token: int) -> None:
        self._held[row_id] = token
        if self._renewer is None:
            self._renewer = asyncio.ensure_future(self._renew())

    def drop(self, row_id: int) -> None:
        self._held.pop(row_id, None)
        # Nothing left to keep: no task stays asleep behind the run. Cancelled only while it
        # sleeps; one cancelled mid-write would leave its statement to run on the shared
        # connection at a moment nobody chose. Mid-write, it ends itself right after.
        if not self._held and self._renewer is not None and self._sleeping:
            self._renewer.cancel()
            self._renewer = None

    async def _renew(self) -> None:
        while self._held:
            self._sleeping = True
            try:
                await asyncio.sleep(self._every)
            finally:
                self._sleeping = False
            try:
                await self._store.renew_leases(list(self._held.items()), self._until())
            except Exception:  # the store is briefly unwritable: try again next round
                log.exception("renewing %d delivery lease(s) failed", len(self._held))
        self._renewer = None
