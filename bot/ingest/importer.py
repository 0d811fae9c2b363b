"""Import rows from any source: plan against what we know, then write in one unit of work.

`import_rows` does both. A caller with more to do in the same transaction (a poll's outbox diff,
a source's fetch marks) plans with `plan_rows` and writes the plan inside its own
`async with store.write() as tx` block, then does its steps there.
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from bot.ingest.planner import Planner
from bot.ingest.rows import BestRow, ResultRow
from bot.search.names import fold
from bot.store import WritePlan, Writes, WriteSummary, WriteTx


@dataclass(frozen=True)
class ImportReport:
    path: str
    rows: int
    summary: WriteSummary
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        s = self.summary
        return (f"{self.path}: {self.rows} rows; new: {s.athletes} athletes, {s.competitions} competitions, "
                f"{s.races} races, {s.results_added} results; {s.results_changed} results changed"
                + (f"; {s.races_linked} races were already known from other sources" if s.races_linked else ""))


# A stretch of pure Python over many rows: the composition root may tune the process for it
# (racebot.tuning pauses the cyclic GC); the core sets no process-wide knob itself.
CpuBound = Callable[[], AbstractContextManager[None]]


@dataclass(frozen=True)
class Planned:
    """An import planned, not yet written: `write(tx)` writes it in the caller's unit of work."""

    path: str
    rows: int
    plan: WritePlan
    warnings: tuple[str, ...] = ()

    async def write(self, tx: WriteTx) -> ImportReport:
        return ImportReport(self.path, self.rows, await tx.apply(self.plan), self.warnings)


async def import_rows(store: Writes, rows: list[ResultRow], path: str, *, strict: bool = True,
                      bests: Sequence[BestRow] = (), cpu_bound: CpuBound = nullcontext) -> ImportReport:
    """All-or-nothing: a bad row raises ImportFailed before anything is written."""
    planned = await plan_rows(store, rows, path, strict=strict, bests=bests, cpu_bound=cpu_bound)
    async with store.write() as tx:
        return await planned.write(tx)


async def plan_rows(store: Writes, rows: list[ResultRow], path: str, *, strict: bool = True,
                    bests: Sequence[BestRow] = (), cpu_bound: CpuBound = nullcontext) -> Planned:
    """The plan for `rows`, made against what the store holds now (outside any transaction)."""
    planner = Planner(await store.identities(), path, strict=strict)
    groups: dict[tuple[Any, ...], list[ResultRow]] = defaultdict(list)
    for row in rows:
        # A source's own competition id keeps apart two meetings of one name and place in a year
        # (the histories hold weekly club meetings named only by their town).
        groups[(fold(row.competition), fold(row.venue), row.date.year, row.extra.get("competition_key"))].append(row)
    placed: list[tuple[ResultRow, int]] = []
    for members in groups.values():
        start = min(r.date for r in members)
        end = max(max(r.date for r in members), max((r.competition_end for r in members if r.competition_end),
                                                    default=start))
        comp = planner.competition(members[0], start, end)
        placed += [(r, comp) for r in members]
    wanted = {rid for r, comp in placed for rid in planner.existing_races(r, comp)}
    known = await store.results_for(sorted(wanted)) if wanted else {}
    with cpu_bound():
        for row, comp in sorted(placed, key=lambda rc: rc[0].line):
            planner.add(row, comp, known)
        for best in bests:
            planner.add_best(best)
    warnings = tuple(f"{path}, line {r.line}: '{r.extra['unknown_flags']}' is not a record flag; kept as a note"
                     for r in rows if r.extra.get("unknown_flags"))
    return Planned(path, len(rows), planner.plan, warnings)
