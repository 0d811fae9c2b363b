"""Autocomplete at scale: prefix and typo queries against the athlete index.

    python bench/autocomplete.py --db bench/out/synthetic.db
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import report  # noqa: E402
from racebot.app import open_core  # noqa: E402


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word)) if len(word) > 1 else 0
    return word[:i] + word[i + 1:]  # one letter dropped, not the first


async def main(db: Path, n: int, seed: int) -> None:
    core = await open_core(db, bundled=False)
    rng = random.Random(seed)
    names = [st.athlete.name for st in core.indexes.athletes.stats.values()]
    prefixes, typos, rivals = [], [], []
    for _ in range(n):
        name = rng.choice(names)
        prefixes.append(name[: rng.randint(1, min(8, len(name)))])
        typos.append(typo(rng, name.split()[-1]))
    for label, queries, others in (("prefix", prefixes, None), ("typo", typos, None)):
        times = []
        for q in queries:
            t = time.perf_counter()
            got = await core.complete("h2h", "athlete_a", q, others)
            times.append(time.perf_counter() - t)
            assert len(got) <= 25
        report(f"autocomplete {label} ({len(core.indexes.athletes)} athletes)", times)
    for q in prefixes[: n // 4]:
        first = {"athlete_a": rng.choice(names)}
        for typed in range(1, 4):  # a fan types athlete_b letter by letter
            t = time.perf_counter()
            await core.complete("h2h", "athlete_b", q[:typed], first)
            rivals.append(time.perf_counter() - t)
    report("autocomplete athlete_b, rivals of athlete_a first (3 keystrokes each)", rivals)
    await core.store.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", type=Path, default=Path("bench/out/synthetic.db"))
    p.add_argument("--queries", type=int, default=2000)
    p.add_argument("--seed", type=int, default=5)
    a = p.parse_args()
    asyncio.run(main(a.db, a.queries, a.seed))
