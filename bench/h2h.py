"""/h2h at scale: the whole core path per call, the store's query, and the raw-SQL floor.

    python bench/h2h.py --db bench/out/synthetic.db [--pairs 1000] [--never 100]

Pairs are drawn (seeded) from athletes who met and from athletes who never met; the typed text
is each athlete's full name, so name resolution, the query and reply rendering are all timed.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import pct, report  # noqa: E402
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


def floor(db: Path, pairs: list) -> list[float]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    for a, b in pairs:  # steady state: pages in cache, as in a bot that has been running
        conn.execute(FLOOR_SQL, (a, b)).fetchall()
    times = []
    for a, b in pairs:
        t = time.perf_counter()
        conn.execute(FLOOR_SQL, (a, b)).fetchall()
        times.append(time.perf_counter() - t)
    conn.close()
    return times


async def core_path(db: Path, met: list, never: list, in_flight: int) -> dict[str, list[float] | float]:
    core = await open_core(db, bundled=False)
    stats = core.indexes.athletes.stats
    text = lambda a, b: f'/h2h "{stats[a].athlete.name}" "{stats[b].athlete.name}"'
    ctx = Context()
    out: dict = {"core": [], "store": []}
    for a, b in met + never:
        await core.store.meetings(a, b)
    for a, b in met + never:
        t = time.perf_counter()
        await core.store.meetings(a, b)
        out["store"].append(time.perf_counter() - t)
    for a, b in met + never:
        t = time.perf_counter()
        await core.handle_text(text(a, b), ctx)
        out["core"].append(time.perf_counter() - t)
    queue = [text(a, b) for a, b in met] * 2
    sem = asyncio.Semaphore(in_flight)

    async def one(q: str) -> None:
        async with sem:
            await core.handle_text(q, ctx)

    t = time.perf_counter()
    await asyncio.gather(*(one(q) for q in queue))
    out["throughput"] = len(queue) / (time.perf_counter() - t)
    await core.store.close()
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", type=Path, default=Path("bench/out/synthetic.db"))
    p.add_argument("--pairs", type=int, default=1000)
    p.add_argument("--never", type=int, default=100)
    p.add_argument("--in-flight", type=int, default=50)
    p.add_argument("--seed", type=int, default=11)
    a = p.parse_args()
    met, never = sample_pairs(a.db, a.pairs, a.never, a.seed)
    raw = floor(a.db, met + never)
    got = asyncio.run(core_path(a.db, met, never, a.in_flight))
    report("raw SQL floor (sqlite3)", raw)
    report("store.meetings (the store's own read)", got["store"], raw)
    report("/h2h whole core path", got["core"], raw)
    print(f"throughput with {a.in_flight} in flight: {got['throughput']:.0f} h2h/s")
    print(f"targets: core p99 <= 1 ms (got {pct(got['core'], .99) * 1e3:.2f} ms); "
          f"store within 5x floor (got {pct(got['store'], .5) / pct(raw, .5):.1f}x at p50)")


if __name__ == "__main__":
    main()
