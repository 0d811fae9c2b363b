"""The first run of `racebot h2h Kerr Ingebrigtsen` on a fresh data directory, as a user meets it.

    python bench/first_run.py [--runs 3]

Each run is the whole process, with XDG_DATA_HOME and RACEBOT_DB pointing into a fresh temporary
directory: the ready-built store is decompressed there and opened, then the command answers.
Beside it, the second run (the store present: issue #15's target, <= 0.3 s), and floors measured
in the same runs: the bare interpreter (`python -c pass`), `python -c "import sqlite3"`, reading the
snapshot's bytes beside the store, the interpreter with racebot's command-line imports (`python -c
"import racebot.cli"`) and the decompression alone (the packaged store through zstandard to
/dev/null). Wall time and CPU time (this process's children, getrusage deltas); median and spread
of the runs. The first run's target: within 3 s. Bytecode is compiled first, as `pip install`
does (with PYTHONDONTWRITEBYTECODE set, a checkout would otherwise compile every module every run).
"""
from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from racebot.prebuilt import prebuilt, unpack  # noqa: E402

TARGET = 3.0  # seconds: the first run
SECOND_TARGET = 0.3  # seconds: issue #15, the bundled store present
COMMAND = ["h2h", "Kerr", "Ingebrigtsen"]


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def decompress() -> None:
    with prebuilt().open("rb") as packed, open(os.devnull, "wb") as out:
        unpack(packed, out)


def runs(n: int) -> dict[str, list[tuple[float, float]]]:
    racebot = [sys.executable, "-m", "racebot.cli", *COMMAND]
    out: dict[str, list[tuple[float, float]]] = {
        "first run": [], "second run": [], "floor: interpreter": [], "floor: import sqlite3": [],
        "floor: snapshot bytes": [], "floor: imports": [], "floor: decompress": []}
    for folder in ("bot", "storage", "racebot", "adapters"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    for _ in range(n):
        with tempfile.TemporaryDirectory(prefix="racebot-first-") as home:
            store = Path(home) / "racebot" / "racebot.db"
            env = {**os.environ, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home, "RACEBOT_DB": str(store)}
            out["first run"].append(timed(racebot, env))
            out["second run"].append(timed(racebot, env))
            out["floor: snapshot bytes"].append(
                timed([sys.executable, "-c", f"open({str(store) + '.indexes'!r}, 'rb').read()"]))
        out["floor: interpreter"].append(timed([sys.executable, "-c", "pass"]))
        out["floor: import sqlite3"].append(timed([sys.executable, "-c", "import sqlite3"]))
        out["floor: imports"].append(timed([sys.executable, "-c", "import racebot.cli"]))
        out["floor: decompress"].append(timed([sys.executable, "-c", "import sys; sys.path[:0] = [%r]; "
                                               "from bench.first_run import decompress; decompress()"
                                               % str(ROOT)]))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    print(f"{'':21} {'wall median':>11} {'(spread)':>15} {'CPU median':>11} {'(spread)':>15}")
    for name, values in runs(args.runs).items():
        walls, cpus = sorted(v[0] for v in values), sorted(v[1] for v in values)
        print(f"{name:21} {statistics.median(walls):9.3f} s ({walls[0]:5.3f}-{walls[-1]:5.3f} s) "
              f"{statistics.median(cpus):9.3f} s ({cpus[0]:5.3f}-{cpus[-1]:5.3f} s)")
    print(f"targets: first run within {TARGET:.0f} s, second run within {SECOND_TARGET} s; {args.runs} runs, "
          "each in a fresh data directory")


if __name__ == "__main__":
    main()
