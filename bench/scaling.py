"""How the in-memory indexes grow with the store: build, start and RSS at several sizes (issue 15).

    python bench/scaling.py --db bench/out/100k.db --db bench/out/synthetic.db --db bench/out/3m.db [--runs 3]

Every figure comes from a fresh process, so each RSS is that process's own:
- build: Core.start() on the store (every index built from the store's rows), CPU and wall time,
  then the process's RSS and peak RSS;
- its floor, run next: the same process reading every row the build reads, building nothing;
- start: open_core() as `racebot run` starts, from the index snapshot saved beside the store
  (a first start, not counted, saves it), then RSS and peak RSS;
- its floor: the same imports with no store opened (the interpreter and the code).
Runs alternate build, floor, start, floor; median and spread of the runs. "Linear or better"
means the per-result cost at the larger size is no more than at the smaller.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def memory() -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def child(kind: str, db: Path) -> dict[str, float]:
    from bot.core import Core
    from racebot.app import open_core
    from racebot.tuning import freeze_loaded
    from storage.sqlite import SqliteStore

    cpu, wall = time.process_time(), time.perf_counter()
    if kind == "build":
        store = await SqliteStore.open(db)
        core = Core(store, after_load=freeze_loaded)
        cpu, wall = time.process_time(), time.perf_counter()
        await core.start()
    elif kind == "read":
        store = await SqliteStore.open(db)
        cpu, wall = time.process_time(), time.perf_counter()
        async for _ in store.race_entries():
            pass
        for read in (store.athlete_stats, store.athlete_aliases, store.competitions, store.race_labels):
            await read()
    elif kind == "start":
        store = (await open_core(db, bundled=False)).store
    else:  # "imports": what the start holds before any store
        store = None
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss, peak = memory()
    if store is not None:
        await store.close()
    return {"cpu": cpu, "wall": wall, "rss": rss, "peak": peak}


def measure(kind: str, db: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db)], cwd=ROOT, capture_output=True,
                         text=True, timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def results_in(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM results").fetchone()[0]


def med(values: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, action="append", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", choices=("build", "read", "start", "imports"))
    a = p.parse_args()
    if a.child:
        print(json.dumps(asyncio.run(child(a.child, a.db[0]))))
        return
    rows = []
    for db in a.db:
        measure("start", db)  # saves the snapshot a restart loads
        got: dict[str, list[dict[str, float]]] = {k: [] for k in ("build", "read", "start", "imports")}
        for _ in range(a.runs):
            for kind in got:
                got[kind].append(measure(kind, db))
        rows.append((db, results_in(db), got))
    print(f"median (spread) of {a.runs} runs, each figure from a fresh process")
    print("results    | build CPU s | build wall s | its floor (reads) CPU s | RSS after build MB | peak MB "
          "| start CPU s | start wall s | RSS after start MB | peak MB | floor (imports) RSS MB")
    for db, n, got in rows:
        col = lambda kind, key, fmt="{:.2f}": med([r[key] for r in got[kind]], fmt)  # noqa: E731
        print(f"{n:>10,} | {col('build', 'cpu')} | {col('build', 'wall')} | {col('read', 'cpu')} | "
              f"{col('build', 'rss', '{:.0f}')} | {col('build', 'peak', '{:.0f}')} | {col('start', 'cpu')} | "
              f"{col('start', 'wall')} | {col('start', 'rss', '{:.0f}')} | {col('start', 'peak', '{:.0f}')} | "
              f"{col('imports', 'rss', '{:.0f}')}")
    for (db1, n1, g1), (db2, n2, g2) in zip(rows, rows[1:]):
        base = statistics.median(r["rss"] for r in g1["imports"])
        growth = [(statistics.median(r["cpu"] for r in g2["build"]) / statistics.median(r["cpu"] for r in g1["build"])),
                  (statistics.median(r["cpu"] for r in g2["start"]) / statistics.median(r["cpu"] for r in g1["start"])),
                  ((statistics.median(r["rss"] for r in g2["start"]) - base)
                   / (statistics.median(r["rss"] for r in g1["start"]) - base))]
        print(f"{n1:,} -> {n2:,} results ({n2 / n1:.1f}x): build CPU {growth[0]:.2f}x, start CPU {growth[1]:.2f}x, "
              f"RSS above the imports {growth[2]:.2f}x ({'linear or better' if max(growth) <= n2 / n1 * 1.05 else 'WORSE than linear'})")


if __name__ == "__main__":
    main()
