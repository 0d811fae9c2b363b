"""The charts: the worker's cold start, each chart's time once it is warm, the worker's RSS, and
the bot's own process left as it was.

    python bench/chart.py [--db PATH] [--charts 120] [--runs 3]

Real charts of the bundled store (rivalries and races the README and tests name, plus the pairs
with most meetings) are drawn round-robin through the real client (racebot.charts.client) and
worker process, bypassing the cache; each chart's wall time is the round trip the bot waits for,
its CPU time the worker's own (process_time around the drawing). The floor, in the same run and
the same worker: an empty figure of the same size saved the same way (kind "blank"), the least
any matplotlib chart costs. The cold start is from spawning the worker to its ready frame (the
import of matplotlib and a first drawing). Each figure is the median of the runs, with their
spread (min-max). Requests go `--gap` seconds apart (default 0.1), as a bot's answers do: the worker
tidies up and makes the next figure between them. The issue's target: under 200 ms per chart at
p99, warm.
"""
from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import pct  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from bot.replies import Chart  # noqa: E402
from racebot.charts.client import ChartWorker  # noqa: E402

TARGET_MS = 200.0
QUESTIONS = ["/h2h Kerr Ingebrigtsen", "/h2h Ingebrigtsen Cheruiyot", "/h2h Warholm Benjamin",
             "/h2h Duplantis Lavillenie", "/h2h Kipyegon Hassan", "/h2h Lyles Kerley",
             "/results oslo 2024 1500m men", "/results budapest 2023 1500m men", "/results pre classic 2024 mile men",
             "/results zurich 2022 100m women", "/results oslo 2024 400m hurdles men", "/results rome 2016 high jump men"]


async def charts_of(db: str | None, pairs: int) -> list[Chart]:
    from racebot.app import open_core

    core = await open_core(db) if db else await open_core(_default_db())
    try:
        ctx = Context(user_id="bench", charts=True)
        texts = list(QUESTIONS)
        stats = core.indexes.athletes.stats
        ranked = sorted(await core.store.pair_stats(list(stats)[:4000], list(stats)[:4000]),
                        key=lambda p: -p.meetings) if pairs else []
        texts += [f'/h2h "{stats[p.a].athlete.name}" "{stats[p.b].athlete.name}"' for p in ranked[:pairs]
                  if p.a < p.b and p.a in stats and p.b in stats]
        found = []
        for text in texts:
            reply = await core.handle_text(text, ctx)
            if reply.chart is not None:
                found.append(reply.chart)
        return found
    finally:
        await core.store.close()


def _default_db() -> str:
    from racebot.config import load

    return str(load(None, None).db_path)


async def one_run(charts: list[Chart], n: int, gap: float) -> dict[str, float]:
    worker = ChartWorker(draw_seconds=60.0)
    started = time.perf_counter()
    await worker.start()
    cold = (time.perf_counter() - started) * 1000
    wall, cpu, floor_wall, floor_cpu = [], [], [], []
    blank = Chart("blank", "floor", "", {})
    for i in range(n):
        for chart, walls, cpus in ((charts[i % len(charts)], wall, cpu), (blank, floor_wall, floor_cpu)):
            await asyncio.sleep(gap)
            t = time.perf_counter()
            drawn = await worker.drawn(chart)
            walls.append((time.perf_counter() - t) * 1000)
            assert drawn is not None, chart.key
            cpus.append(drawn.meta["cpu_ms"])
    rss = drawn.meta["rss_kb"] / 1024
    hits = []
    await worker.draw(charts[0], 1)
    for _ in range(1000):
        t = time.perf_counter()
        await worker.draw(charts[0], 1)
        hits.append((time.perf_counter() - t) * 1e6)
    await worker.close()
    return {"cold wall ms": cold, "cold worker CPU ms": worker.started["start_cpu_ms"],
            "p50 wall ms": pct(wall, .5), "p99 wall ms": pct(wall, .99), "p50 CPU ms": pct(cpu, .5),
            "p99 CPU ms": pct(cpu, .99), "floor p50 wall ms": pct(floor_wall, .5),
            "floor p99 wall ms": pct(floor_wall, .99), "floor p50 CPU ms": pct(floor_cpu, .5),
            "floor p99 CPU ms": pct(floor_cpu, .99), "worker RSS MB": rss, "cache hit p99 us": pct(hits, .99)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="store (default: racebot's own, the bundled data)")
    p.add_argument("--charts", type=int, default=120, help="charts drawn per run (default 120)")
    p.add_argument("--pairs", type=int, default=20, help="rivalries with most meetings added (default 20)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--gap", type=float, default=0.1,
                   help="seconds between requests (default 0.1: chat answers are not back to back; the worker "
                        "collects garbage and makes the next figure in between; 0 for a burst)")
    args = p.parse_args()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    charts = asyncio.run(charts_of(args.db, args.pairs))
    kinds = {k: sum(c.kind == k for c in charts) for k in ("rivalry", "gaps")}
    print(f"{len(charts)} charts ({kinds['rivalry']} rivalries, {kinds['gaps']} races), {args.charts} drawn per run, "
          f"{args.runs} runs, {args.gap:g} s apart")
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs = [asyncio.run(one_run(charts, args.charts, args.gap)) for _ in range(args.runs)]
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"{key}: median {statistics.median(values):.1f} (spread {min(values):.1f}-{max(values):.1f})")
    p99 = statistics.median(r["p99 wall ms"] for r in runs)
    print(f"target: p99 under {TARGET_MS:.0f} ms warm: {'met' if p99 < TARGET_MS else 'NOT met'} "
          f"(median p99 {p99:.0f} ms wall; {statistics.median(r['p99 CPU ms'] for r in runs):.0f} ms of worker CPU)")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    plotting = sorted({m.split(".")[0] for m in sys.modules} & {"matplotlib", "numpy", "PIL"})
    print(f"bot process: peak RSS {rss_loaded:.0f} MB with the store open, {rss_after:.0f} MB after every chart "
          f"(started at {rss_before:.0f} MB); plotting libraries loaded here: {plotting or 'none'}")


if __name__ == "__main__":
    main()
