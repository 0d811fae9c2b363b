"""Import rows from any source: plan against what we know, then one transaction."""
from __future__ import annotations

from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Callable, Sequence

from bot.ingest.planner import Planner
from bot.ingest.rows import BestRow, ResultRow
from bot.search.names import fold
from bot.store import Store, WriteSummary


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


async def import_rows(store: Store, rows: list[ResultRow], path: str, *, strict: bool = True,
                      after=None, bests: Sequence[BestRow] = (), cpu_bound: CpuBound = nullcontext) -> ImportReport:
    """All-or-nothing: a bad row raises ImportFailed before anything is written.

    `after(race_ids)` runs inside the write transaction (a poll's outbox diff: bot.announce.store.AfterWrite).
    """
    planner = Planner(await store.identities(), path, strict=strict)
    groups: dict[tuple, list[ResultRow]] = defaultdict(list)
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
    summary = await (store.apply(planner.plan) if after is None else store.apply(planner.plan, after=after))
    warnings = tuple(f"{path}, line {r.line}: '{r.extra['unknown_flags']}' is not a record flag; kept as a note"
                     for r in rows if r.extra.get("unknown_flags"))
    return ImportReport(path, len(rows), summary, warnings)
