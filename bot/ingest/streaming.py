"""`racebot import` of a CSV file: written as it is read, in one transaction.

First a quick look at the file finds its competitions (bot.ingest.groups), which are matched as
import_rows matches them. Then one pass reads the file in chunks: each chunk's rows are resolved
(bot.ingest.columns), their races chosen in file order as Planner.add chooses them, and handed
to the store, which writes a batch while the next one is read. A refused row stops the writing
but not the reading: a field error further down is still the one reported, as before, and
nothing of the file is kept.
"""
from __future__ import annotations

import asyncio
from array import array
from contextlib import AbstractContextManager, nullcontext
from itertools import repeat
from operator import add, lshift, or_
from typing import Any, Callable, Iterable, TextIO, cast

from bot.errors import ImportFailed
from bot.ingest.columns import ChunkResolver, Columns, nones
from bot.ingest.csv_chunks import CsvChunks
from bot.ingest.groups import GroupScan
from bot.ingest.importer import CpuBound, ImportReport
from bot.ingest.planner import Planner, twice
from bot.ingest.specs import SpecTable
from bot.store import BulkWrite, Writes, WritePlan, WriteTx

Opener = Callable[[], AbstractContextManager[TextIO]]
_IN_FLIGHT = 2  # batches handed to the store and not yet written: it never waits for us to hand one
_BATCH_ROWS = 16_384  # per write: a round trip costs the store thread a wait for the GIL; still overlaps reading


async def import_csv(store: Writes, open_lines: Opener, path: str, *, cpu_bound: CpuBound = nullcontext,
                     overlapped: CpuBound = nullcontext) -> ImportReport:
    """All-or-nothing, like import_rows. `open_lines()` opens the file as text with universal
    newlines (it is read twice). `overlapped`: around the pass that reads while the store's
    thread writes (racebot.tuning)."""
    prepared = await prepare_csv(store, open_lines, path, cpu_bound=cpu_bound, overlapped=overlapped)
    async with store.write(bulk=True) as tx:
        return await prepared.write(tx)


async def prepare_csv(store: Writes, open_lines: Opener, path: str, *, cpu_bound: CpuBound = nullcontext,
                      overlapped: CpuBound = nullcontext) -> "PreparedCsv":
    """The first look at the file and the plan of its competitions, outside any transaction;
    `write(tx)` then reads it again and writes it, in a `store.write(bulk=True)` unit of work."""
    with open_lines() as lines, cpu_bound():
        chunks = CsvChunks(lines, path)
        scan = GroupScan(chunks.header).read(lines)
    planner = Planner(await store.identities(), path, strict=True)
    specs = SpecTable(scan)
    with cpu_bound():
        wanted = specs.place(planner)
    known = await store.results_for(wanted) if wanted else {}
    return PreparedCsv(open_lines, path, planner, specs, known, cpu_bound, overlapped)


class PreparedCsv:
    def __init__(self, open_lines: Opener, path: str, planner: Planner, specs: SpecTable,
                 known: dict[int, list[tuple[int, str]]], cpu_bound: CpuBound, overlapped: CpuBound) -> None:
        self.open_lines = open_lines
        self.path = path
        self.planner = planner
        self.specs = specs
        self.known = known
        self.cpu_bound = cpu_bound
        self.overlapped = overlapped

    async def write(self, tx: WriteTx) -> ImportReport:
        path, planner = self.path, self.planner
        with self.open_lines() as lines, self.cpu_bound(), self.overlapped():
            chunks = CsvChunks(lines, path)
            resolver = ChunkResolver(planner, self.specs, chunks.header, path)
            w = await tx.bulk()
            writer = _Writer(w, planner, RaceChooser(self.specs, planner, self.known, path))
            try:
                await writer.start()
                for chunk in chunks:
                    part = resolver.resolve(chunk)  # raises a field error, or notes the planner's refusal
                    if part is not None and writer.failed is None:
                        await writer.take(part)
                        if writer.failed:  # a race refused: it comes before any refusal in this chunk
                            resolver.refusal = writer.failed
                await writer.finish()
            except BaseException:
                await writer.abandon()
                raise
            twice = writer.entered.first_twice(path, planner.names)
            if resolver.refusal or twice:
                raise min(filter(None, (resolver.refusal, twice)), key=lambda e: e.line)
            await w.link()
            summary = await w.summary()
        return ImportReport(path, writer.rows, summary, tuple(resolver.warnings))


class _Writer:
    """Batches resolved rows, chooses their races and hands them to the store, two batches in flight."""

    def __init__(self, w: BulkWrite, planner: Planner, races: "RaceChooser") -> None:
        self.w = w
        self.planner = planner
        self.races = races
        self.failed: ImportFailed | None = None
        self.rows = 0  # taken so far, which are the file's rows 0 .. rows - 1
        self._batch: list[tuple[Columns, list[int]]] = []
        self._size = 0
        self._ids: dict[int, int] = {}
        self._pending: list[asyncio.Task[None]] = []  # writes handed over, oldest first
        self.entered = Entered()

    async def start(self) -> None:
        """The competitions: all known before the first row."""
        self._ids = await self.w.add(WritePlan(competitions=self.planner.plan.competitions,
                                                   aliases=self.planner.plan.aliases))

    async def take(self, part: Columns) -> None:
        try:
            chosen = self.races.choose(part)
        except ImportFailed as exc:  # a race refused: the rows before it still count for nothing
            self.failed = exc
            return
        self._batch.append((part, chosen))
        self.entered.add(chosen, part.athletes, part.lines)
        self.rows += len(part.lines)
        self._size += len(part.lines)
        if self._size >= _BATCH_ROWS:
            await self._flush()
        else:
            # the written batch's statements go on as soon as the store is done, not at the next
            # flush, where we would wait for them (and the store sat idle meanwhile)
            await asyncio.sleep(0)

    async def finish(self) -> None:
        if self.failed is None:
            await self._flush()
        for write in self._pending:
            await write

    async def abandon(self) -> None:
        """Let the writes in flight end, so none of them reaches the store after the rollback;
        their own failures are moot beside the one being raised."""
        pending, self._pending = self._pending, []
        await asyncio.gather(*pending, return_exceptions=True)

    async def _flush(self) -> None:
        # Two batches in flight: the store goes on with the next while we read, instead of
        # idling until we hand it one.
        while len(self._pending) >= _IN_FLIGHT:
            await self._pending.pop(0)
        plan = self.planner.plan
        ids = await self.w.add(WritePlan(athletes=plan.athletes[:], source_ids=plan.source_ids[:],
                                         races=plan.races[:]))
        for made in (plan.athletes, plan.source_ids, plan.races):  # handed over: forget them (memory)
            made.clear()
        columns: tuple[list[Any], list[Any], list[Any], list[Any]] = ([], [], [], [])
        for part, chosen in self._batch:
            columns[0].extend(map(ids.get, chosen, chosen))
            columns[1].extend(map(ids.get, part.athletes, part.athletes))
            columns[2].extend(part.marks)
            columns[3].extend(part.tails)
        self._batch, self._size = [], 0
        self._pending.append(asyncio.ensure_future(self._write(columns)))
        await asyncio.sleep(0)  # let it reach the store's thread before we read on

    async def _write(self, columns: tuple[list[Any], list[Any], list[Any], list[Any]]) -> None:
        if columns[0]:
            await self.w.add_results(*columns)


class Entered:
    """(race, athlete) of every row taken, packed in arrays (a dict of a million pairs would be
    the import's biggest object): two rows of one race must never become one athlete silently."""

    def __init__(self) -> None:
        self._keys = array("q")
        self._lines = array("q")

    def add(self, races: list[int], athletes: list[int], lines: Iterable[int]) -> None:
        # (race + _OFFSET) << 32 | (athlete + _OFFSET), by C functions over the columns (a Python
        # function per row cost a third more)
        self._keys.extend(map(or_, map(lshift, map(add, races, repeat(_OFFSET)), repeat(32)),
                              map(add, athletes, repeat(_OFFSET))))
        self._lines.extend(lines)

    def first_twice(self, path: str, names: dict[int, str]) -> ImportFailed | None:
        if len(set(self._keys)) == len(self._keys):
            return None
        seen: dict[int, int] = {}
        for key, line in zip(self._keys, self._lines):
            first = seen.setdefault(key, line)
            if first != line:
                return ImportFailed(path, line, twice(first, names[(key & 0xFFFFFFFF) - _OFFSET]))
        return None


_OFFSET = 1 << 30  # placeholders are negative; the packed pair must stay below 2**63


class RaceChooser:
    """Each row's race, as Planner.add chooses it: once per numbered spec, else row by row."""

    def __init__(self, table: SpecTable, planner: Planner, known: dict[int, list[tuple[int, str]]],
                 path: str) -> None:
        self.table = table
        self.planner = planner
        self.known = known
        self.path = path

    def choose(self, part: Columns) -> list[int]:
        table, planner = self.table, self.planner
        chosen = list(map(table.races.__getitem__, part.specs))
        for i in nones(chosen):
            sid = part.specs[i]
            spec = table.specs[sid]
            if spec.per_row:
                try:
                    chosen[i] = planner.join(spec.row, spec.comp, spec.code, part.athletes[i], part.marks[i][0],
                                             self.known)
                except ImportFailed as exc:  # raised naming the spec's first line: name this one
                    raise ImportFailed(self.path, part.lines[i], exc.reason) from None
            else:
                race = table.races[sid]
                if race is None:
                    race = table.races[sid] = planner.race(spec.row, spec.comp, spec.code, part.athletes[i],
                                                           part.marks[i][0], self.known)
                chosen[i] = race
        return cast(list[int], chosen)  # every None chosen
