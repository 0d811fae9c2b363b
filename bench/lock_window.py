"""How long `racebot import` holds the store's write lock, beside how long the import takes.

    python bench/lock_window.py bench/out/synthetic.csv           # into a fresh copy of the bundled store

While the lock is held, the bot's own writes (a /subscribe, a delivery mark) wait, and a chat
command gives up after 1.5 s with "busy with an import" (storage/turns.py). A prober tries
BEGIN IMMEDIATE every 10 ms on its own connection, as the bot would, and reports the longest
stretch it was refused.
"""
from __future__ import annotations

import argparse
import shutil
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--db", type=Path, help="a store to copy first (default: the bundled data, built once)")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="racebot-lock-"))
    db = work / "racebot.db"
    racebot = [sys.executable, "-m", "racebot.cli", "--db", str(db)]
    if args.db:
        shutil.copyfile(args.db, db)
    else:
        subprocess.run([*racebot, "next"], check=True, capture_output=True)  # builds the bundled store
    started = time.perf_counter()
    proc = subprocess.Popen([*racebot, "import", *map(str, args.files)], stdout=subprocess.PIPE, text=True)
    longest, total = probe(db, proc)
    took = time.perf_counter() - started
    print(proc.stdout.read().strip())
    print(f"import {took:.2f} s; write lock held {total:.2f} s in all, longest {longest:.2f} s")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
