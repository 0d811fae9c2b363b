"""/h2h at scale: the whole core path per call, the store's query, and the raw-SQL floor.

    python bench/h2h.py --db bench/out/synthetic.db [--pairs 1000] [--never 100] [--runs 3]

Pairs are drawn (seeded) from athletes who met and from athletes who never met; the typed text
is each athlete's full name, so name resolution, the query and reply rendering are all timed.
The core path is asked as a chat asks (a context that can click: the answer's first page),
or with --console as the terminal asks (every meeting in one table).
Each pair goes through the whole core path, the store's own read and the raw-SQL floor in turn,
call by call, in CPU time (time.process_time) and wall time; a first pass warms the caches.
The issue's targets: core p99 <= 1 ms, and <= 3x the floor's p99.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import pct  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from racebot.app import open_core  # noqa: E402

# The fastest raw shape we know for "every race both ran": intersect the two athletes' race ids on
# the covering index, then read only the common races. The store uses the same SQL, so the ratio
# is the query-only reader plus row conversion.
FLOOR_SQL = """
WITH common(race_id) AS (
    SELECT race_id FROM results WHERE athlete_id = ?1 INTERSECT SELECT race_id FROM results WHERE athlete_id = ?2)
SELECT r.*, c.*, x.*, y.* FROM common
JOIN results x ON x.race_id = common.race_id AND x.athlete_id = ?1
JOIN results y ON y.race_id = common.race_id AND y.athlete_id = ?2
JOIN races r ON r.id = common.race_id JOIN competitions c ON c.id = r.competition_id ORDER BY r.day, r.id
"""


def sample_pairs(db: Path, n_met: int, n_never: int, seed: int) -> tuple[list, list]:
    rng = random.Random(seed)
    with sqlite3.connect(db) as c:
        top = c.execute("SELECT max(rowid) FROM races").fetchone()[0]
        met = []
        while len(met) < n_met:
            ids = [a for (a,) in c.execute("SELECT athlete_id FROM results WHERE race_id = ?", (rng.randint(1, top),))]
            if len(ids) >= 2:
                met.append(tuple(rng.sample(ids, 2)))
        everyone = [a for (a,) in c.execute("SELECT id FROM athletes")]
        never = []
        while len(never) < n_never:
            a, b = rng.sample(everyone, 2)
            together = c.execute("SELECT 1 FROM results x JOIN results y ON y.race_id = x.race_id "
                                 "AND y.athlete_id = ? WHERE x.athlete_id = ? LIMIT 1", (b, a)).fetchone()
            if not together:
                never.append((a, b))
        return met, never


def timed_call(fn, *args):
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn(*args)
    return out, time.process_time() - cpu, time.perf_counter() - wall


async def timed(awaitable) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    await awaitable
    return time.process_time() - cpu, time.perf_counter() - wall


async def one_run(core, conn: sqlite3.Connection, pairs: list, text, ctx: Context) -> dict[str, list[float]]:
    """Each pair through the whole core path, the store's read and the raw-SQL floor, one after
    the other (call by call), so all three meet the same cache and the same machine load."""
    out: dict[str, list[float]] = {k: [] for k in ("core cpu", "core wall", "store cpu", "store wall",
                                                   "floor cpu", "floor wall")}
    for a, b in pairs:
        for name, (cpu, wall) in (("core", await timed(core.handle_text(text(a, b), ctx))),
                                  ("store", await timed(core.store.meetings(a, b))),
                                  ("floor", timed_call(lambda: conn.execute(FLOOR_SQL, (a, b)).fetchall())[1:])):
            out[f"{name} cpu"].append(cpu)
            out[f"{name} wall"].append(wall)
    return out


async def core_path(db: Path, met: list, never: list, in_flight: int, runs: int, console: bool) -> dict:
    core = await open_core(db, bundled=False)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    stats = core.indexes.athletes.stats
    text = lambda a, b: f'/h2h "{stats[a].athlete.name}" "{stats[b].athlete.name}"'
    ctx = Context() if console else Context(user_id="bench", clickable=True)
    pairs = met + never
    # the first pass asks each pair once: pages and the reader's per-athlete source spans are cold;
    # the runs after are the steady state of a bot that has been running
    out: dict = {"first": await one_run(core, conn, pairs, text, ctx)}
    out["runs"] = [await one_run(core, conn, pairs, text, ctx) for _ in range(runs)]
    queue = [text(a, b) for a, b in met] * 2
    sem = asyncio.Semaphore(in_flight)

    async def one(q: str) -> None:
        async with sem:
            await core.handle_text(q, ctx)

    t = time.perf_counter()
    await asyncio.gather(*(one(q) for q in queue))
    out["throughput"] = len(queue) / (time.perf_counter() - t)
    conn.close()
    await core.store.close()
    return out


def figure(runs: list[dict[str, list[float]]], key: str, p: float, scale: float = 1e6) -> str:
    values = [pct(r[key], p) * scale for r in runs]
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


def ratio(runs: list[dict[str, list[float]]], key: str, p: float) -> list[float]:
    return [pct(r[f"{key} cpu"], p) / pct(r["floor cpu"], p) for r in runs]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", type=Path, default=Path("bench/out/synthetic.db"))
    p.add_argument("--pairs", type=int, default=1000)
    p.add_argument("--never", type=int, default=100)
    p.add_argument("--in-flight", type=int, default=50)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--console", action="store_true", help="ask as the terminal does: every meeting, no pages")
    a = p.parse_args()
    met, never = sample_pairs(a.db, a.pairs, a.never, a.seed)
    got = asyncio.run(core_path(a.db, met, never, a.in_flight, a.runs, a.console))
    runs = got["runs"]
    print(f"{len(met)} pairs who met and {len(never)} who never met, each through the three paths in turn; "
          f"microseconds, median (spread) of {len(runs)} runs; asked as {'the console' if a.console else 'a chat'}")
    for label, key in (("raw SQL floor (sqlite3)", "floor"), ("store.meetings (the store's own read)", "store"),
                       ("/h2h whole core path", "core")):
        line = (f"{label}: CPU p50 {figure(runs, key + ' cpu', .5)} us, p99 {figure(runs, key + ' cpu', .99)} us; "
                f"wall p50 {figure(runs, key + ' wall', .5)} us, p99 {figure(runs, key + ' wall', .99)} us")
        if key != "floor":
            r50, r99 = statistics.median(ratio(runs, key, .5)), statistics.median(ratio(runs, key, .99))
            line += f"; {r50:.1f}x floor at p50, {r99:.1f}x at p99 (CPU)"
        print(line)
    first = got["first"]
    print(f"first pass, each pair asked once (caches cold): /h2h CPU p50 {pct(first['core cpu'], .5) * 1e6:.0f} us, "
          f"p99 {pct(first['core cpu'], .99) * 1e6:.0f} us; floor CPU p50 {pct(first['floor cpu'], .5) * 1e6:.0f} us, "
          f"p99 {pct(first['floor cpu'], .99) * 1e6:.0f} us")
    print(f"throughput with {a.in_flight} in flight: {got['throughput']:.0f} h2h/s")
    core99 = statistics.median(pct(r["core cpu"], .99) for r in runs)
    r99 = statistics.median(ratio(runs, "core", .99))
    print(f"targets: core p99 <= 1 ms and <= 3x the floor's p99 (got {core99 * 1e3:.2f} ms CPU, {r99:.1f}x): "
          f"{'met' if core99 <= 1e-3 and r99 <= 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
