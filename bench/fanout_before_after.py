"""`bench/fanout.py` on two checkouts, interleaved in one sitting (old, new, old, new, ...), each in its own
venv: the achieved rate, and the bot process's CPU and wall time, whole and for the delivery alone, as
median and spread of the runs. The floor is the platform's ceiling (channels / ceiling seconds).

    python bench/fanout_before_after.py --old /work/wt-suite-old --runs 3 -- --channels 10000

Each checkout needs `.venv` with racebot installed in it. The fake platform is another process, so its
CPU is not the bot's and is not counted.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
from pathlib import Path

# Runs a checkout's own bench/fanout.py in its own interpreter, timing Deliverer.run (the delivery alone)
# and the process's whole CPU (all threads; not the fake platform, a child it waits for at the end, which
# is why RUSAGE_SELF and not RUSAGE_CHILDREN).
_WRAPPER = r"""
import importlib.util, json, resource, sys, time
path = sys.argv[1]
sys.argv = [path] + sys.argv[2:]
spec = importlib.util.spec_from_file_location("fanout_bench", path)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
phase = {}
inner = bench.Deliverer.run
async def timed(self, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        return await inner(self, *args, **kwargs)
    finally:
        phase["deliver_cpu"], phase["deliver_wall"] = time.process_time() - cpu, time.perf_counter() - wall
bench.Deliverer.run = timed
started = time.perf_counter()
bench.main()
usage = resource.getrusage(resource.RUSAGE_SELF)
print("FIGURES " + json.dumps({**phase, "wall": time.perf_counter() - started,
                               "cpu": usage.ru_utime + usage.ru_stime}))
"""


def one_run(tree: Path, args: list[str]) -> dict[str, float]:
    out = subprocess.run([str(tree / ".venv/bin/python"), "-c", _WRAPPER, str(tree / "bench/fanout.py"), *args],
                         cwd=tree, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"{tree}: exit {out.returncode}\n{out.stderr[-2000:]}")
    figures = json.loads(out.stdout.split("FIGURES ", 1)[1])
    rate = re.search(r"= (\d+) msg/s .*duplicates (\d+), losses (\d+), 429s (\d+)", out.stdout)
    if rate is None:
        raise SystemExit(f"{tree}: no rate line in\n{out.stdout}")
    figures.update(rate=float(rate[1]), duplicates=float(rate[2]), losses=float(rate[3]), refused=float(rate[4]))
    return figures


def spread(values: list[float], scale: float, fmt: str) -> str:
    return f"{statistics.median(values) * scale:{fmt}} ({min(values) * scale:{fmt}}-{max(values) * scale:{fmt}})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--old", type=Path, required=True, help="the checkout to compare against")
    p.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[1])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--new-first", action="store_true", help="each pair in the other order")
    p.add_argument("fanout_args", nargs="*", help="passed to bench/fanout.py (after --)")
    a = p.parse_args()
    channels = int(a.fanout_args[a.fanout_args.index("--channels") + 1]) if "--channels" in a.fanout_args else 10_000
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for i in range(a.runs):
        pair = (("old", a.old), ("new", a.new))
        for name, tree in (pair[::-1] if a.new_first else pair):
            runs[name].append(one_run(tree, a.fanout_args))
            r = runs[name][-1]
            print(f"run {i + 1} {name}: {r['rate']:.0f} msg/s, delivery {r['deliver_wall']:.2f} s wall "
                  f"{r['deliver_cpu']:.2f} s CPU, process {r['wall']:.2f} s wall {r['cpu']:.2f} s CPU, "
                  f"dup {r['duplicates']:.0f} lost {r['losses']:.0f} 429s {r['refused']:.0f}", flush=True)
    ceiling = float(a.fanout_args[a.fanout_args.index("--ceiling") + 1]) if "--ceiling" in a.fanout_args else 1000.0
    print(f"\nmedian (min-max) of {a.runs} runs, {channels} channels; floor: the ceiling, {channels / ceiling:.1f} s "
          f"= {ceiling:.0f} msg/s")
    print("| code | msg/s | delivery wall s | delivery CPU ms/msg | process wall s | process CPU s | dup/lost/429 |")
    print("|---|---|---|---|---|---|---|")
    for name in ("old", "new"):
        rs = runs[name]
        col = lambda key: [r[key] for r in rs]  # noqa: E731
        faults = "/".join(f"{sum(col(k)):.0f}" for k in ("duplicates", "losses", "refused"))
        print(f"| {name} | {spread(col('rate'), 1, '.0f')} | {spread(col('deliver_wall'), 1, '.2f')} "
              f"| {spread(col('deliver_cpu'), 1000 / channels, '.3f')} | {spread(col('wall'), 1, '.2f')} "
              f"| {spread(col('cpu'), 1, '.2f')} | {faults} |")


if __name__ == "__main__":
    main()
