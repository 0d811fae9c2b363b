"""What cards cost: the World Athletics ids read for each answer (Profiles.source_ids) and the
flags, links and badges drawn on Discord and Slack, beside floors measured in the same run.

    python bench/cards.py [--db PATH] [--calls 200] [--runs 3]

For each command: the whole core path (which now reads the athletes' ids), that read alone, and
rendering the reply for Discord and Slack with its card parts and, as the floor, the same reply
without them. Each figure is the median over --runs runs of the per-call p50, with the spread
(max - min) of those runs, in wall time and CPU time.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.discord.render import render as discord_render  # noqa: E402
from adapters.slack.render import render as slack_render  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from bot.domain.people import WA_SCHEME  # noqa: E402
from racebot.app import open_core  # noqa: E402

QUERIES = ["/results athletissima 2022 1500m men", "/h2h Kerr Ingebrigtsen", "/athlete Josh Kerr"]


def timed(fn, calls: int) -> tuple[float, float]:
    """(wall p50, CPU per call) of `calls` calls of a synchronous fn."""
    walls = []
    cpu = time.process_time()
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), (time.process_time() - cpu) / calls


async def atimed(fn, calls: int) -> tuple[float, float]:
    walls = []
    cpu = time.process_time()
    for _ in range(calls):
        t = time.perf_counter()
        await fn()
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), (time.process_time() - cpu) / calls


def line(label: str, runs: list[tuple[float, float]]) -> str:
    walls, cpus = [r[0] * 1e6 for r in runs], [r[1] * 1e6 for r in runs]
    return (f"{label}: wall p50 {statistics.median(walls):.0f} us (spread {max(walls) - min(walls):.0f}), "
            f"CPU {statistics.median(cpus):.0f} us (spread {max(cpus) - min(cpus):.0f})")


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", help="a store (default: a fresh one built from the bundled data)")
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    core = await open_core(Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "racebot.db")
    ctx = Context(user_id="bench")
    try:
        for q in QUERIES:
            reply = await core.handle_text(q, ctx)
            assert not reply.error, reply.plain_text()
            bare = replace(reply, people=(), badges=(), kind="")
            ids = await _ids(core, reply)
            results: dict[str, list[tuple[float, float]]] = {k: [] for k in (
                "whole core path", "ids read (the added query)", "Discord render", "Discord render, no card parts",
                "Slack render", "Slack render, no card parts")}
            for _ in range(args.runs):
                results["whole core path"].append(await atimed(lambda: core.handle_text(q, ctx), args.calls))
                results["ids read (the added query)"].append(
                    await atimed(lambda: core.store.source_ids(ids, WA_SCHEME), args.calls))
                results["Discord render"].append(timed(lambda: discord_render(reply), args.calls))
                results["Discord render, no card parts"].append(timed(lambda: discord_render(bare), args.calls))
                results["Slack render"].append(timed(lambda: slack_render(reply), args.calls))
                results["Slack render, no card parts"].append(timed(lambda: slack_render(bare), args.calls))
            print(f"{q} ({len(ids)} athletes' ids read, {len(reply.people)} linked, {len(reply.badges)} badges)")
            for label, runs in results.items():
                print("  " + line(label, runs))
    finally:
        await core.store.close()


async def _ids(core, reply) -> list[int]:
    """The athletes whose ids the command read: every athlete of the reply's data, by name."""
    names = {p.name for p in reply.people}
    if reply.data and "results" in reply.data:
        names |= {r["athlete"] for r in reply.data["results"]}
    return [s.athlete.id for s in core.indexes.athletes.stats.values() if s.athlete.name in names]


if __name__ == "__main__":
    asyncio.run(main())
