""""Full table": the click's cost in the bot (the command run again, its table made a picture's
data) and the picture's drawing in the chart worker, each beside a floor from the same run.

    python bench/full_table.py [--db PATH] [--tables 60] [--runs 3]

Tables are the Full-table answers of real questions on the bundled store (/top, /results, /h2h:
the answers that carry the button). The bot's side: Core.click on the button's id, without a
drawer (the command run again and the wide reply built); its floor, interleaved: the same
command's "Next" style re-run, Core.handle_text of the command alone. The worker's side: each
table drawn through the real client and worker process (racebot.charts.client), bypassing the
cache, wall time as the bot waits for it and CPU time the worker's own; its floor, interleaved:
a one-line table, which costs the pipe's round trip and a PNG's encoding and nothing of the size.
Each figure is the median of the runs with their spread (min-max).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import pct  # noqa: E402
from bot.charts.table import table_chart  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from bot.replies import Chart, Column, Table  # noqa: E402
from racebot.charts.client import ChartWorker  # noqa: E402

QUESTIONS = ["/top 1500m 2022", "/top 100m 2023", "/top 800m season:2024 page:2", "/results oslo 2024",
             "/results budapest 2023", "/results oslo 2024 1500m men", "/h2h Kerr Ingebrigtsen",
             '/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', "/h2h Chopra Vadlejch", "/h2h Warholm Benjamin",
             "/h2h Duplantis Lavillenie", "/h2h Kipyegon Hassan"]
ASKER = Context(user_id="bench", clickable=True)


async def clicks(db: str | None, n: int) -> tuple[list[Chart], dict[str, float]]:
    """The Full-table charts, and the click's cost in the bot beside its floor (CPU and wall, ms)."""
    from racebot.app import open_core

    core = await open_core(db or _default_db())
    try:
        tokens = []
        for text in QUESTIONS:
            reply = await core.handle_text(text, ASKER)
            button = next((a for a in reply.actions if getattr(a, "full_table", False)), None)
            if button is not None:
                tokens.append((text, core.actions.encode(button.command, "bench", False, 100, full_table=True)))
        charts = []
        wall, cpu, floor_wall, floor_cpu = [], [], [], []
        for i in range(n):
            text, token = tokens[i % len(tokens)]
            t, c = time.perf_counter(), time.process_time()
            answer = await core.click(token, None, ASKER, None)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert answer.aside and answer.reply.chart is not None, text
            if i < len(tokens):
                charts.append(answer.reply.chart)
            t, c = time.perf_counter(), time.process_time()
            await core.handle_text(text, ASKER)
            floor_wall.append((time.perf_counter() - t) * 1000)
            floor_cpu.append((time.process_time() - c) * 1000)
        return charts, {"click p50 wall ms": pct(wall, .5), "click p50 CPU ms": pct(cpu, .5),
                        "click p99 CPU ms": pct(cpu, .99), "floor (command alone) p50 wall ms": pct(floor_wall, .5),
                        "floor (command alone) p50 CPU ms": pct(floor_cpu, .5),
                        "floor (command alone) p99 CPU ms": pct(floor_cpu, .99)}
    finally:
        await core.store.close()


def _default_db() -> str:
    from racebot.config import load

    return str(load(None, None).db_path)


async def drawing(charts: list[Chart], n: int, gap: float) -> dict[str, float]:
    worker = ChartWorker(draw_seconds=60.0)
    await worker.start()
    tiny = table_chart("t", Table((Column("A"),), (("1",),)))
    wall, cpu, floor_wall, floor_cpu, sizes, kb = [], [], [], [], [], []
    for i in range(n):
        for chart, walls, cpus in ((charts[i % len(charts)], wall, cpu), (tiny, floor_wall, floor_cpu)):
            await asyncio.sleep(gap)
            t = time.perf_counter()
            drawn = await worker.drawn(chart)
            walls.append((time.perf_counter() - t) * 1000)
            assert drawn is not None, chart.key
            cpus.append(drawn.meta["cpu_ms"])
            if chart is not tiny:
                sizes.append(drawn.meta["size"][0] * drawn.meta["size"][1] / 1e6)
                kb.append(len(drawn.png) / 1024)
    await worker.close()
    return {"draw p50 wall ms": pct(wall, .5), "draw p99 wall ms": pct(wall, .99), "draw p50 CPU ms": pct(cpu, .5),
            "draw p99 CPU ms": pct(cpu, .99), "floor (one-line table) p50 wall ms": pct(floor_wall, .5),
            "floor (one-line table) p50 CPU ms": pct(floor_cpu, .5), "picture p50 megapixels": pct(sizes, .5),
            "PNG p50 kB": pct(kb, .5), "PNG max kB": max(kb)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="store (default: racebot's own, the bundled data)")
    p.add_argument("--tables", type=int, default=60, help="clicks and drawings per run (default 60)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--gap", type=float, default=0.05, help="seconds between drawings (default 0.05)")
    args = p.parse_args()
    runs = []
    for _ in range(args.runs):
        charts, figures = asyncio.run(clicks(args.db, args.tables))
        figures.update(asyncio.run(drawing(charts, args.tables, args.gap)))
        runs.append(figures)
    print(f"{len(charts)} tables (of {len(QUESTIONS)} questions), {args.tables} clicks and drawings per run, "
          f"{args.runs} runs")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"{key}: median {statistics.median(values):.1f} (spread {min(values):.1f}-{max(values):.1f})")


if __name__ == "__main__":
    main()
