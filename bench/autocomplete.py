"""Autocomplete at scale: an empty field, prefixes and typos against the athlete index (issue 15).

    python bench/autocomplete.py --db bench/out/synthetic.db [--queries 2000] [--runs 3]

Each query goes through Core.complete (what Discord's autocomplete asks) and, interleaved call by
call, through a floor doing only the unavoidable part of the same lookup on the same names:
- empty field: the answer's 25 ids taken from a list ranked beforehand;
- prefix: the folded query bisected into every folded name word, 25 ids read from there;
- typo: rapidfuzz's extract of the typed surname among the surnames sharing its first letter
  whose length can reach the cutoff (the C part of the typo search), nothing merged or ranked,
  each group's strings laid out side by side as the index holds them;
  beside it, the floor before surnames were grouped by length: one extract over every surname
  sharing the first letter.
CPU time (time.process_time) and wall time per call; p50 and p99 per run, then the median and
spread of the runs, each run new queries. Targets at a million results: p99 empty <= 0.5 ms,
prefix <= 1 ms, typo <= 1 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import bisect
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import pct  # noqa: E402
from bot.search.names import fold  # noqa: E402
from racebot.app import open_core  # noqa: E402

TARGETS = {"empty": 0.5e-3, "prefix": 1e-3, "typo": 1e-3}
FUZZY_CUTOFF = 82  # as bot.search.athletes


def reachable_lengths(n: int) -> list[int]:
    """Lengths m whose best fuzz.ratio against n characters, 100 * 2 min(n, m) / (n + m), reaches the cutoff."""
    return [m for m in range(3 * n + 2) if 200 * min(n, m) >= (FUZZY_CUTOFF - 0.01) * (n + m)]


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word)) if len(word) > 1 else 0
    return word[:i] + word[i + 1:]  # one letter dropped, not the first


class Floor:
    """The same lookups with nothing but their unavoidable steps."""

    def __init__(self, names: dict[int, tuple[str, str]]) -> None:
        words = sorted((w, i) for i, (full, _) in names.items() for w in fold(full).split())
        self.keys, self.ids = [w for w, _ in words], [i for _, i in words]
        self.families: dict[str, list[str]] = defaultdict(list)
        self.by_length: dict[tuple[str, int], list[str]] = defaultdict(list)
        folded = {fold(f) for _, f in names.values() if fold(f)}
        for family in sorted(folded):
            self.families[family[0]].append(family)
        # each group's strings side by side in memory, as the index lays them out (a fresh copy each)
        for family in sorted(folded, key=lambda f: (f[0], len(f), f)):
            self.by_length[family[0], len(family)].append(family.encode().decode())
        self.leaders = list(names)[:25]

    def empty(self, _: str) -> list[int]:
        return self.leaders[:25]

    def prefix(self, typed: str) -> list[int]:
        q = fold(typed)
        start = bisect.bisect_left(self.keys, q)
        return self.ids[start:start + 25]

    def typo(self, typed: str) -> list:
        q = fold(typed)
        return [process.extract(q, self.by_length.get((q[:1], n), []), scorer=fuzz.ratio, limit=5,
                                score_cutoff=FUZZY_CUTOFF) for n in reachable_lengths(len(q))]

    def typo_by_letter(self, typed: str) -> list:
        q = fold(typed)
        return process.extract(q, self.families.get(q[:1], []), scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF)


def timed(fn, *args) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    fn(*args)
    return time.process_time() - cpu, time.perf_counter() - wall


async def one_run(core, floor: Floor, names: list[str], rng: random.Random, n: int) -> dict[str, list[float]]:
    """p50 and p99, CPU and wall, of the core and its floor, per kind of query."""
    queries = {"empty": [""] * n,
               "prefix": [(nm := rng.choice(names))[: rng.randint(1, min(8, len(nm)))] for _ in range(n)],
               "typo": [typo(rng, rng.choice(names).split()[-1]) for _ in range(n)]}
    figures: dict[str, list[float]] = {}
    for kind, typed in queries.items():
        core_cpu, core_wall, floor_cpu, floor_wall, letter_cpu = [], [], [], [], []
        for q in typed:
            cpu, wall = time.process_time(), time.perf_counter()
            got = await core.complete("h2h", "athlete_a", q)
            core_cpu.append(time.process_time() - cpu)
            core_wall.append(time.perf_counter() - wall)
            assert len(got) <= 25
            cpu, wall = timed(getattr(floor, kind), q)
            floor_cpu.append(cpu)
            floor_wall.append(wall)
            if kind == "typo":
                letter_cpu.append(timed(floor.typo_by_letter, q)[0])
        for label, values in (("cpu", core_cpu), ("wall", core_wall), ("floor cpu", floor_cpu),
                              ("floor wall", floor_wall)):
            figures[f"{kind} {label} p50"] = [pct(values, .5)]
            figures[f"{kind} {label} p99"] = [pct(values, .99)]
        if letter_cpu:
            figures["typo letter cpu p50"], figures["typo letter cpu p99"] = [pct(letter_cpu, .5)], [pct(letter_cpu, .99)]
    rivals = []
    for q in queries["prefix"][: n // 4]:
        first = {"athlete_a": rng.choice(names)}
        for typed_len in range(1, 4):  # a fan types athlete_b letter by letter
            cpu = time.process_time()
            await core.complete("h2h", "athlete_b", q[:typed_len], first)
            rivals.append(time.process_time() - cpu)
    figures["rivals cpu p50"], figures["rivals cpu p99"] = [pct(rivals, .5)], [pct(rivals, .99)]
    return figures


def us(values: list[float]) -> str:
    values = [v * 1e6 for v in values]
    return f"{statistics.median(values):.0f} us ({min(values):.0f}-{max(values):.0f})"


async def main(db: Path, n: int, seed: int, runs: int) -> None:
    core = await open_core(db, bundled=False)
    try:
        rng = random.Random(seed)
        stats = core.indexes.athletes.stats
        names = [st.athlete.name for st in stats.values()]
        floor = Floor({i: (st.athlete.name, st.athlete.family) for i, st in stats.items()})
        per_run = [await one_run(core, floor, names, rng, n) for _ in range(runs)]
        merged = {k: [r[k][0] for r in per_run] for k in per_run[0]}
        print(f"autocomplete over {len(stats)} athletes, {n} queries of each kind a run, median (spread) of {runs} runs")
        for kind in ("empty", "prefix", "typo"):
            row = [f"autocomplete {kind}:"]
            for clock in ("cpu", "wall"):
                row.append(f"{clock} p50 {us(merged[f'{kind} {clock} p50'])}, p99 {us(merged[f'{kind} {clock} p99'])};")
            row.append(f"floor cpu p50 {us(merged[f'{kind} floor cpu p50'])}, p99 {us(merged[f'{kind} floor cpu p99'])}, "
                       f"wall p99 {us(merged[f'{kind} floor wall p99'])};")
            p99 = statistics.median(merged[f"{kind} cpu p99"])
            row.append(f"target p99 <= {TARGETS[kind] * 1e3:g} ms: {'met' if p99 <= TARGETS[kind] else 'NOT met'}")
            print(" ".join(row))
        print(f"typo floor before surnames were grouped by length (every surname sharing the first letter): "
              f"cpu p50 {us(merged['typo letter cpu p50'])}, p99 {us(merged['typo letter cpu p99'])}")
        print(f"autocomplete athlete_b, rivals of athlete_a first (3 keystrokes each): cpu p50 {us(merged['rivals cpu p50'])}, "
              f"p99 {us(merged['rivals cpu p99'])}")
    finally:
        await core.store.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=Path("bench/out/synthetic.db"))
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--seed", type=int, default=5)
    a = p.parse_args()
    asyncio.run(main(a.db, a.queries, a.seed, a.runs))
