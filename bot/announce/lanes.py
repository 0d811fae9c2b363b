"""The lanes of a delivery run: one task per channel, started pass after pass, awaited together.

A finished lane is folded into the run's result at once and let go. Holding every finished task
to the end (10,000 in a large fan-out) lets them outlive the young GC generations, and the full
collections they then trigger stall the loop for tens of milliseconds: sends pile up behind the
stall and reach the platform as a burst it may refuse.
"""
from __future__ import annotations

import asyncio
from typing import Callable, Coroutine, Generic, TypeVar

R = TypeVar("R")


class Lanes(Generic[R]):
    def __init__(self, fold: Callable[[R], None]) -> None:
        self._fold = fold
        self._running: set[asyncio.Task[R]] = set()
        self._errors: list[BaseException] = []

    def start(self, lane: Coroutine[object, object, R]) -> None:
        task = asyncio.ensure_future(lane)
        self._running.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[R]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self._errors.append(error)
        else:
            self._fold(task.result())

    async def finish(self) -> None:
        """Wait for every lane; a lane's error is raised only once the rest are done, so no send
        under way goes unrecorded because a neighbour failed. Cancelled, it cancels them all
        (a shutdown past its drain time: their rows stay pending)."""
        try:
            await self.settle()
        except asyncio.CancelledError:
            self.cancel()
            raise
        if self._errors:
            raise self._errors[0]

    async def settle(self) -> None:
        """Until no lane is running."""
        while self._running:
            await asyncio.wait(set(self._running))

    def cancel(self) -> None:
        for task in self._running:
            task.cancel()


class Countdown:
    """An event set once n lanes have each ticked once."""

    def __init__(self, n: int) -> None:
        self.left = n
        self.done = asyncio.Event()
        if n <= 0:
            self.done.set()

    def tick(self) -> None:
        self.left -= 1
        if self.left == 0:
            self.done.set()
