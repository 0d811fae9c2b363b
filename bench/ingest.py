"""Ingest: the `racebot import` path on a big CSV, beside an executemany floor of the same rows.

    python bench/ingest.py --csv bench/out/synthetic.csv [--runs 3]

The floor is honest: the same rows (every athlete, competition, race and result the import
stored, ids already known, held in memory beforehand so nothing is parsed), inserted in one
transaction into a fresh store of the same schema (every index the import maintains), with the
same journal mode, synchronous setting and page cache as the import's writer uses
(storage/bulk.py's cache size), and foreign keys off (the import checks each distinct id once). The bench prints those
settings for both sides. Import and floor alternate, run by run, each into a new file in the same
directory, so they meet the same page cache and the same machine load. CPU time (this process,
threads included) and wall time; median and spread of the runs.
The issue's targets: >= 100,000 results/s wall, and >= 0.5x the floor.
"""
from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from racebot.importing import import_file  # noqa: E402
from storage.bulk import BULK_CACHE_KIB  # noqa: E402
from storage.schema import MIGRATIONS  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402

TABLES = ("athletes", "competitions", "races", "results")


def settings(conn: sqlite3.Connection, cache_kib: int, fks: str) -> str:
    indexes = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                           "('athletes', 'competitions', 'races', 'results')").fetchone()[0]
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[conn.execute("PRAGMA synchronous").fetchone()[0]]
    return (f"journal_mode {mode}, synchronous {sync}, page cache {cache_kib // 1024} MiB, foreign_keys {fks}, "
            f"{indexes} indexes on the four tables, one transaction")


async def through_racebot(csv: Path, db: Path) -> tuple[float, float, int, str]:
    store = await SqliteStore.open(db)
    cpu, wall = time.process_time(), time.perf_counter()
    # exactly what `racebot import` does, including the outbox's bookkeeping of the new races
    report = await import_file(store, csv, corrections_at=datetime.now(timezone.utc))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sync = (await store.conn.execute_fetchall("PRAGMA synchronous"))[0][0]
    await store.close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA synchronous = {sync}")  # the store's connection's, as it imported
        # the writer's cache and foreign keys during an import (storage.bulk, storage.sqlite: the
        # bulk writer checks each distinct reference once itself)
        shown = settings(conn, BULK_CACHE_KIB, "OFF (checked once per distinct id)") + (
            "; into this empty store the results and races indexes were built after the rows (storage.bulk)")
    return cpu, wall, report.rows, shown


def stored_rows(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as src:
        return {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}


def floor(rows: dict[str, list[tuple]], target: Path) -> tuple[float, float, int, str]:
    """executemany of the same rows into the same schema with the same settings."""
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")  # the rows are known good: no checks at all
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    for script in MIGRATIONS:
        conn.executescript(script)
    cpu, wall = time.process_time(), time.perf_counter()
    conn.execute("BEGIN")
    for table in TABLES:
        values = rows[table]
        if values:
            conn.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(values[0]))})", values)
    conn.execute("COMMIT")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    shown = settings(conn, BULK_CACHE_KIB, "OFF (not checked)")
    conn.close()
    return cpu, wall, len(rows["results"]), shown


def spread(values: list[float], fmt: str) -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--csv", type=Path, default=Path("bench/out/synthetic.csv"))
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(dir=a.csv.parent))
    ours, base = [], []
    rows: dict[str, list[tuple]] = {}
    for run in range(a.runs):
        for suffix in ("", "-wal", "-shm"):  # one file at a time on disk
            for name in ("racebot.db", "floor.db"):
                Path(f"{work / name}{suffix}").unlink(missing_ok=True)
        ours.append(asyncio.run(through_racebot(a.csv, work / "racebot.db")))
        rows = rows or stored_rows(work / "racebot.db")
        base.append(floor(rows, work / "floor.db"))
    n, m = ours[0][2], base[0][2]
    print(f"racebot import settings: {ours[0][3]}")
    print(f"floor settings:          {base[0][3]}")
    print(f"racebot import: {n} rows, wall {spread([r[1] for r in ours], '{:.1f}')} s = "
          f"{spread([n / r[1] for r in ours], '{:,.0f}')} results/s; CPU {spread([r[0] for r in ours], '{:.1f}')} s")
    print(f"executemany floor: {m} results (and their athletes, competitions, races), wall "
          f"{spread([r[1] for r in base], '{:.1f}')} s = {spread([m / r[1] for r in base], '{:,.0f}')} results/s; "
          f"CPU {spread([r[0] for r in base], '{:.1f}')} s")
    wall_ratio = [(n / o[1]) / (m / b[1]) for o, b in zip(ours, base)]
    cpu_ratio = [(n / o[0]) / (m / b[0]) for o, b in zip(ours, base)]
    print(f"ratio to floor: wall {spread(wall_ratio, '{:.2f}')}, CPU {spread(cpu_ratio, '{:.2f}')} "
          f"(targets: >= 100,000 results/s and >= 0.5x floor)")


if __name__ == "__main__":
    main()
