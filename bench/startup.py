"""Start-up at scale: the one-shot question, a bot's readiness, and the index build, beside floors.

    python bench/startup.py --store /tmp/s/1m.db --store /tmp/s/3m.db [--runs 3]
    python bench/startup.py                     # the bundled store, installed in a fresh data directory

Every figure is a whole child process (wall time, and CPU time from getrusage), median and spread
of `--runs` runs, the floors measured in the same runs under the same settings:
- `one-shot`: `racebot --db STORE h2h Kerr Ingebrigtsen`, the whole process (issue #15: <= 0.3 s on
  the bundled store, <= 0.5 s at 1M results, <= 1 s at 3M);
- `ready`: what `racebot run` does after its store is open (the bundle check, the indexes from the
  snapshot beside the store, read in a thread) until it can answer (<= 1 s at 1M), and the first
  /h2h answered after it; `open` is the store's own opening (connections, WAL, migrations check);
- `build`: the indexes built from every result, as a start without a usable snapshot does, with the
  process's peak RSS; it saves the snapshot the other rows read;
- floors: the bare interpreter, `python -c "import sqlite3"`, and reading the snapshot's bytes.
Bytecode is compiled first, as `pip install` does: a checkout run with PYTHONDONTWRITEBYTECODE would
otherwise compile every module on every start.
"""
from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = ["h2h", "Kerr", "Ingebrigtsen"]


def _usage() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


async def _child(what: str, store: str) -> dict[str, float]:
    """One measurement inside this process; printed as JSON for the parent."""
    from bot.commands.registry import Context
    from bot.core import Core
    from bot.indexes import Indexes
    from racebot import app, index_snapshot
    from racebot.bundled import ensure_bundled
    from racebot.tuning import freeze_loaded
    from storage.schema import VERSION
    from storage.sqlite import SqliteStore

    out: dict[str, float] = {}
    started, cpu = time.perf_counter(), _usage()
    db = await SqliteStore.open(store)
    out["open"], out["open_cpu"] = time.perf_counter() - started, _usage() - cpu
    try:
        started, cpu = time.perf_counter(), _usage()
        if what == "build":
            indexes = Indexes()
            await indexes.load(db)
            out["wall"], out["cpu"] = time.perf_counter() - started, _usage() - cpu
            head = await db.change_head()
            index_snapshot.save(store, index_snapshot.Key(VERSION, head), indexes)
        else:  # racebot.app.open_core's steps after the store is open, as `racebot run` takes them
            await ensure_bundled(db)
            core = Core(db, after_load=freeze_loaded)
            await app._start(core, app._Beside(store))
            out["wall"], out["cpu"] = time.perf_counter() - started, _usage() - cpu
            started = time.perf_counter()
            reply = await core.handle_text("/" + " ".join(QUESTION), Context(user_id="bench"))
            out["first_answer"] = time.perf_counter() - started
            # at scale the synthetic namesakes (bench/generate.py) may make the answer a list of
            # candidates: the same lookups, and a real answer all the same
            assert reply.title or reply.error, reply.plain_text()
    finally:
        await db.close()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall, CPU, stdout and stderr) of one child process, which must answer."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode not in (0, 1) or "Traceback" in run.stderr:  # 1: racebot answered with an error reply
        raise SystemExit(f"{argv} failed ({run.returncode}): {run.stderr[-2000:]}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), run.stdout


def child(what: str, store: Path, env: dict[str, str]) -> dict[str, float]:
    _, _, out = timed([sys.executable, __file__, "--child", what, str(store)], env)
    return json.loads(out.strip().splitlines()[-1])


def line(name: str, values: list[float], unit: str = "s") -> str:
    ordered = sorted(values)
    return f"{statistics.median(ordered):8.3f} {unit} ({ordered[0]:.3f}-{ordered[-1]:.3f})" if ordered else ""


def measure(store: Path, runs: int, env: dict[str, str], build: bool) -> None:
    snapshot = Path(str(store) + ".indexes")
    rows: dict[str, list[tuple[float, float]]] = {}
    extra: dict[str, list[float]] = {"ready: first /h2h after": [], "ready: RSS MB": [], "build: RSS MB": [],
                                      "open (the store itself)": []}
    if not snapshot.exists() and not build:
        child("build", store, env)  # the snapshot every other row reads
    for _ in range(runs):
        if build:
            b = child("build", store, env)
            rows.setdefault("build (every result)", []).append((b["wall"], b["cpu"]))
            extra["build: RSS MB"].append(b["rss_mb"])
        r = child("ready", store, env)
        rows.setdefault("ready after open", []).append((r["wall"], r["cpu"]))
        extra["ready: first /h2h after"].append(r["first_answer"])
        extra["ready: RSS MB"].append(r["rss_mb"])
        extra["open (the store itself)"].append(r["open"])
        wall, cpu, _ = timed([sys.executable, "-m", "racebot.cli", "--db", str(store), *QUESTION], env)
        rows.setdefault("one-shot h2h", []).append((wall, cpu))
        for name, argv in (("floor: interpreter", ["-c", "pass"]), ("floor: import sqlite3", ["-c", "import sqlite3"]),
                           ("floor: snapshot bytes", ["-c", f"open({str(snapshot)!r}, 'rb').read()"])):
            wall, cpu, _ = timed([sys.executable, *argv], env)
            rows.setdefault(name, []).append((wall, cpu))
    size = snapshot.stat().st_size / 1e6
    print(f"\n{store} ({store.stat().st_size / 1e6:.0f} MB, snapshot {size:.1f} MB), {runs} runs")
    print(f"{'':26} {'wall median (spread)':>26} {'CPU median (spread)':>26}")
    for name, values in rows.items():
        print(f"{name:26} {line(name, [v[0] for v in values]):>26} {line(name, [v[1] for v in values]):>26}")
    for name, values in extra.items():
        if values:
            print(f"{name:26} {line(name, values, 'MB' if 'MB' in name else 's'):>26}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", type=Path, action="append", help="a store made by bench/generate.py and racebot import")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-build", action="store_true", help="skip the index builds (minutes at 3M)")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(asyncio.run(_child(*args.child))))
        return
    for folder in ("bot", "storage", "racebot", "adapters"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    env = {k: v for k, v in os.environ.items() if k not in ("RACEBOT_CONFIG",)}
    if args.store:
        for store in args.store:
            measure(store, args.runs, env, build=not args.no_build)
        return
    with tempfile.TemporaryDirectory(prefix="racebot-startup-") as home:  # the bundled store, as installed
        store = Path(home) / "racebot" / "racebot.db"
        env |= {"XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home, "RACEBOT_DB": str(store)}
        timed([sys.executable, "-m", "racebot.cli", *QUESTION], env)  # the first run installs it
        measure(store, args.runs, env, build=not args.no_build)


if __name__ == "__main__":
    main()
