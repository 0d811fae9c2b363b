"""Group commit without a timer: concurrent callers share one store round trip.

A caller whose item is still waiting when the way is clear writes everything that piled up
meanwhile, and every caller in that batch gets the same answer. A lone caller writes at once,
so this never adds a wait: it only folds together writes that would have queued one behind
another for the store's write lock (each a thread hop of about 100 us to the store's writer thread).
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(self, write: Callable[[list[T]], Awaitable[R]]) -> None:
        self._write = write
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._turn = asyncio.Lock()  # FIFO: the oldest waiter writes next

    async def __call__(self, item: T) -> R:
        mine: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, mine))
        async with self._turn:
            if not mine.done():  # nobody took it along: write the whole pile
                batch, self._waiting = self._waiting, []
                try:
                    result = await self._write([i for i, _ in batch])
                except BaseException as exc:  # the batch shares the outcome, failure included
                    for _, f in batch:
                        f.set_exception(exc)
                else:
                    for _, f in batch:
                        f.set_result(result)
        return mine.result()
