"""Ingest: the `racebot import` path on a big CSV, beside the executemany floor of the same rows.

    python bench/ingest.py --csv bench/out/synthetic.csv
"""
from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from racebot.importing import import_file  # noqa: E402
from storage.schema import MIGRATIONS  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402


async def through_racebot(csv: Path, db: Path) -> tuple[float, int]:
    store = await SqliteStore.open(db)
    started = time.perf_counter()
    # exactly what `racebot import` does, including the outbox's bookkeeping of the new races
    report = await import_file(store, csv, corrections_at=datetime.now(timezone.utc))
    took = time.perf_counter() - started
    await store.close()
    return took, report.rows


def floor(source_db: Path, target: Path) -> tuple[float, int]:
    """executemany of the same result rows, ids already known, into the same schema."""
    with sqlite3.connect(source_db) as src:
        rows = src.execute("SELECT race_id, athlete_id, place, mark, value, status, wind, flags, note, source "
                           "FROM results").fetchall()
        parents = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in ("athletes", "competitions", "races")}
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for script in MIGRATIONS:
        conn.executescript(script)
    conn.execute("BEGIN")
    for table, values in parents.items():
        if values:
            conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(values[0]))})", values)
    conn.execute("COMMIT")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO results (race_id, athlete_id, place, mark, value, status, wind, flags, note, "
                     "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took, len(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--csv", type=Path, default=Path("bench/out/synthetic.csv"))
    a = p.parse_args()
    work = Path(tempfile.mkdtemp())
    took, n = asyncio.run(through_racebot(a.csv, work / "racebot.db"))
    base, m = floor(work / "racebot.db", work / "floor.db")
    ours, ceiling = n / took, m / base
    print(f"racebot import: {n} rows in {took:.1f} s = {ours:,.0f} results/s")
    print(f"executemany floor: {m} rows in {base:.1f} s = {ceiling:,.0f} results/s")
    print(f"ratio to floor: {ours / ceiling:.2f} (targets: >= 100,000 results/s and >= 0.5x floor)")


if __name__ == "__main__":
    main()
