"""Figures on the bundled data: store build, name resolution, /h2h per call, one-shot process time.

    python bench/bundled.py
"""
from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.commands.registry import Context  # noqa: E402
from racebot.app import open_core  # noqa: E402

QUERIES = ["/h2h Kerr Ingebrigtsen", "/h2h Ingebrigtsen Cheruiyot", '/h2h "Faith Kipyegon" "Sifan Hassan"',
           "/h2h Warholm Benjamin", "/h2h Duplantis Lavillenie"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    core = await open_core(folder / "racebot.db")
    print(f"first run, store built from bundled data: {time.perf_counter() - started:.2f} s "
          f"({len(core.indexes.athletes)} athletes)")
    names = ["Kerr", "ingebritsen", "nordas", "JI", "jakob ingebrigtsen", "cheruiyot", "warholm", "duplantiss"]
    times = []
    for _ in range(200):
        for n in names:
            t = time.perf_counter()
            core.indexes.athletes.candidates(n)
            times.append(time.perf_counter() - t)
    print(f"name resolution: p50 {pct(times, .5) * 1e6:.0f} us, p99 {pct(times, .99) * 1e6:.0f} us")
    ctx = Context()
    times = []
    for _ in range(100):
        for q in QUERIES:
            t = time.perf_counter()
            reply = await core.handle_text(q, ctx)
            times.append(time.perf_counter() - t)
            assert not reply.error, reply.plain_text()
    print(f"/h2h whole core path: p50 {pct(times, .5) * 1e3:.2f} ms, p99 {pct(times, .99) * 1e3:.2f} ms, "
          f"mean {statistics.mean(times) * 1e3:.2f} ms over {len(times)} calls")
    await core.store.close()
    env = dict(os.environ, RACEBOT_DB=str(folder / "racebot.db"))
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "racebot.cli", "h2h", "Kerr", "Ingebrigtsen"], env=env,
                       check=True, capture_output=True)
        runs.append(time.perf_counter() - t)
    print(f"one-shot `racebot h2h Kerr Ingebrigtsen` whole process: median {statistics.median(runs):.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
