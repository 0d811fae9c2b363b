"""Writing results (role `Writes`): every write is one unit of work, `async with store.write() as tx`.

Everything done through the `WriteTx` commits together when the block ends, or not at all when
it raises: the results, the outbox rows that follow from them, the source's fetch marks and the
change feed's entries. No hooks: the caller does its steps in the block, in order.
"""
from __future__ import annotations

from typing import Any, TYPE_CHECKING, AsyncContextManager, Protocol, Sequence

from bot.store.plans import Identities, WritePlan, WriteSummary

if TYPE_CHECKING:  # the outbox and the sources sit above the store's roles; only their types are named
    from bot.announce.store import OutboxTx
    from bot.sources.state import DayMark


class BulkWrite(Protocol):
    """One import's writes handed over in parts, inside a `store.write(bulk=True)` unit of work."""

    async def add(self, plan: WritePlan) -> dict[int, int]:
        """The plan's athletes, source ids, competitions and races (its results are ignored);
        returns every placeholder key handed over so far -> its id."""
        ...

    async def add_results(self, races: Sequence[int], athletes: Sequence[int], marks: Sequence[tuple[Any, ...]],
                          tails: Sequence[tuple[Any, ...]]) -> None:
        """One result per position, ids resolved: mark = (mark, value, status), tail = (place, wind,
        flags, note, source); both usually shared by many rows. A result already stored is updated,
        as WriteTx.apply does. The write may go on in the background: the next call waits for it."""
        ...

    async def link(self) -> dict[int, tuple[int, ...]]:
        """Once every result is handed over: link the import's new races to races already stored
        (bot.ingest.linking); returns new race id -> the races its rows are in now: the stored race
        it turned out to be, or the stored races it was split into (and itself, if rows are left)."""
        ...

    async def summary(self) -> WriteSummary: ...


class WriteTx(Protocol):
    """One open write transaction; valid only inside its `async with store.write()` block."""

    @property
    def outbox(self) -> OutboxTx:
        """The outbox's reads and writes in this transaction (bot.announce.diff works on it)."""
        ...

    async def apply(self, plan: WritePlan) -> WriteSummary:
        """Write a whole plan (not in a bulk unit of work, whose foreign keys are checked at the end)."""
        ...

    async def bulk(self) -> BulkWrite:
        """The writer for an import handed over in parts (only in `store.write(bulk=True)`); the
        same one on every call. Its references are checked when the block ends."""
        ...

    def races(self) -> list[int]:
        """The ids of the races written to so far, each once and as stored (a new race that
        turned out to be a stored one is that one): what the outbox diff looks at."""
        ...

    async def mark_fetched(self, marks: Sequence[DayMark]) -> None:
        """Record what a source fetched (bot.sources.state), with the rows it fetched."""
        ...


class Writes(Protocol):
    async def identities(self) -> Identities: ...
    async def results_for(self, race_ids: list[int]) -> dict[int, list[tuple[int, str]]]: ...

    def write(self, *, bulk: bool = False) -> AsyncContextManager[WriteTx]:
        """One unit of work: one writer at a time, committed at the end of the block, rolled back
        if it raises. `bulk`: for tx.bulk(), which checks references once at the end instead of
        on every row (a million-row import)."""
        ...
