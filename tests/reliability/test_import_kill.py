"""kill -9 in the middle of `racebot import`: the store is exactly as before and still usable
(SQLite's journal undoes the unfinished transaction on the next open)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from racebot_cli import ROOT, environment, racebot
from store_state import checksum, results_csv

pytestmark = pytest.mark.slow


def writing(db) -> bool:
    """Someone holds the write lock: the import is inside its transaction."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


@pytest.mark.parametrize("after", [0.0, 0.5, 1.5])
def test_kill_9_during_an_import_changes_nothing(db_copy, tmp_path, after):
    big = tmp_path / "big.csv"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--results", "400000",
                    "--athletes", "20000", "--out", str(big)], check=True, capture_output=True, cwd=ROOT)
    before = checksum(db_copy)
    proc = subprocess.Popen([sys.executable, "-m", "racebot.cli", "--db", str(db_copy), "import", str(big)],
                            env=environment(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not writing(db_copy):
        assert proc.poll() is None, f"the import ended before it wrote: {proc.stderr.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(after)
    assert proc.poll() is None, "the import finished before the kill: use a bigger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert checksum(db_copy) == before
    with sqlite3.connect(db_copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # Usable: answers, and takes the next import.
    assert racebot("--db", str(db_copy), "h2h", "Kerr", "Ingebrigtsen").code == 0
    small = results_csv(tmp_path / "after.csv", "Aftermath Games")
    done = racebot("--db", str(db_copy), "import", str(small))
    assert done.code == 0, done.err
