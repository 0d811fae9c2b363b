"""How long `racebot import` holds the store's write lock, beside how long the import takes.

    python bench/lock_window.py bench/out/synthetic.csv           # into a fresh copy of the bundled store

While the lock is held, the bot's own writes (a /subscribe, a delivery mark) wait, and a chat
command gives up after 1.5 s with "busy with an import" (storage/turns.py). A prober tries
BEGIN IMMEDIATE every 10 ms on its own connection, as the bot would, and reports the longest
stretch it was refused, beside the import's own wall and CPU time (its floor: the lock is held at
most while the import runs); median and spread of 3 runs, each into a fresh copy of one store.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def probe(db: Path, proc: subprocess.Popen) -> tuple[float, float]:
    """(longest refused stretch, total refused) in seconds while `proc` runs."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    longest = total = 0.0
    since = None
    while proc.poll() is None:
        now = time.perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            if since is not None:
                longest, total, since = max(longest, now - since), total + now - since, None
        except sqlite3.OperationalError:
            since = since if since is not None else now
        time.sleep(0.01)
    if since is not None:
        now = time.perf_counter()
        longest, total = max(longest, now - since), total + now - since
    return longest, total


def once(racebot: list[str], db: Path, files: list[Path]) -> tuple[float, float, float, float]:
    """(import wall, import CPU, lock held in all, longest refused stretch) of one import."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([*racebot, "import", *map(str, files)], stdout=subprocess.DEVNULL)
    longest, total = probe(db, proc)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return took, (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime), total, longest


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--db", type=Path, help="a store to copy first (default: the bundled data, built once)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="racebot-lock-"))
    template, db = work / "template.db", work / "racebot.db"
    if args.db:
        shutil.copyfile(args.db, template)
    else:
        subprocess.run([sys.executable, "-m", "racebot.cli", "--db", str(template), "next"], check=True,
                       capture_output=True)  # the bundled store
    racebot = [sys.executable, "-m", "racebot.cli", "--db", str(db)]
    runs = []
    for _ in range(args.runs):  # each into a fresh copy: the same store, the same page cache state
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, db)
        runs.append(once(racebot, db, args.files))
    # The floor is the import itself: the lock can be held at most as long as the import runs.
    for name, values in zip(("import wall", "import CPU", "write lock held", "longest refusal"), zip(*runs)):
        ordered = sorted(values)
        print(f"{name:16} median {statistics.median(ordered):6.2f} s  (spread {ordered[0]:.2f}-{ordered[-1]:.2f} s, "
              f"{len(ordered)} runs)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
