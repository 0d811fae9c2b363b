"""Start-up on a PostgreSQL store: from the snapshot the store holds, beside a build (issue 16).

    python bench/pg_start.py --url 'postgresql://postgres@127.0.0.1:5432/test?schema=NAME' [--runs 3]

The store: the 1M synthetic store moved there with `racebot copy-store` (docs/postgresql.md).
Every figure comes from a fresh process, in CPU and wall time, with its RSS and peak RSS:
- start: open_core() on the URL as `racebot run` starts: the snapshot row read, unpickled and
  adopted (a first start, not counted, builds and saves it);
- its floor, run next: the same process only fetching the snapshot row's bytes;
- build: Core.start() on the same store, every index built from its rows, as a start without a
  usable snapshot does;
- imports: the code alone, no store opened.
Runs alternate start, floor, build, imports; median and spread of the runs.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scaling import memory  # noqa: E402


async def child(kind: str, url: str) -> dict[str, float]:
    from bot.core import Core
    from racebot.app import open_core
    from racebot.tuning import freeze_loaded
    from storage.postgres.store import PostgresStore

    size = 0
    cpu, wall = time.process_time(), time.perf_counter()
    if kind == "start":
        store = (await open_core(url, bundled=False)).store
    elif kind == "fetch":
        store = await PostgresStore.open(url)
        cpu, wall = time.process_time(), time.perf_counter()
        row = await store.saved_indexes(await store.change_head())
        size = len(row[1]) if row else 0
        del row
    elif kind == "build":
        store = await PostgresStore.open(url)
        core = Core(store, after_load=freeze_loaded)
        cpu, wall = time.process_time(), time.perf_counter()
        await core.start()
    else:
        store = None
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rss, peak = memory()
    if store is not None:
        await store.close()
    return {"cpu": cpu, "wall": wall, "rss": rss, "peak": peak, "bytes": size}


def measure(kind: str, url: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--url", url], cwd=ROOT, capture_output=True,
                         text=True, timeout=1800, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def med(values: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", choices=("start", "fetch", "build", "imports"))
    a = p.parse_args()
    if a.child:
        print(json.dumps(asyncio.run(child(a.child, a.url))))
        return
    measure("start", a.url)  # builds and saves the snapshot the counted starts load
    got: dict[str, list[dict[str, float]]] = {k: [] for k in ("start", "fetch", "build", "imports")}
    for _ in range(a.runs):
        for kind in got:
            got[kind].append(measure(kind, a.url))
    print(f"median (spread) of {a.runs} runs, each from a fresh process; snapshot row "
          f"{got['fetch'][0]['bytes'] / 2**20:.1f} MB")
    print("what                          | CPU s            | wall s            | RSS MB          | peak MB")
    names = {"start": "start from the snapshot row", "fetch": "floor: fetch the row's bytes",
             "build": "build from the rows", "imports": "imports alone"}
    for kind, runs in got.items():
        print(f"{names[kind]:<29} | {med([r['cpu'] for r in runs]):<16} | {med([r['wall'] for r in runs]):<17} | "
              f"{med([r['rss'] for r in runs], '{:.0f}'):<15} | {med([r['peak'] for r in runs], '{:.0f}')}")


if __name__ == "__main__":
    main()
