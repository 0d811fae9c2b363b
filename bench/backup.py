"""`racebot backup` beside its floors, on the bundled store (SQLite) and, with --url, the same
store copied into PostgreSQL.

- SQLite: storage.backup.copy_sqlite (one read snapshot, the online backup API, then every table
  summed on both sides) beside a plain file copy of the same file (shutil.copyfile: no snapshot,
  no check; what a backup cannot be cheaper than).
- PostgreSQL: racebot's backup (one REPEATABLE READ snapshot copied into a SQLite file, both
  sides summed) beside `pg_dump -Fc` of the same schema to a file, when pg_dump is installed.

Runs interleaved (racebot, floor, racebot, floor ...), 3 by default; median and spread (max - min)
of wall and CPU time. CPU is this process's own plus its children's (pg_dump); the server's work
shows only in wall time.

    python bench/backup.py [--runs 3] [--url postgresql://postgres@127.0.0.1:5432/test]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from racebot.prebuilt import install  # noqa: E402
from storage.backup import copy_sqlite  # noqa: E402


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(run) -> tuple[float, float]:
    wall, used = time.perf_counter(), cpu()
    run()
    return time.perf_counter() - wall, cpu() - used


def line(label: str, figures: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in figures], [c for _, c in figures]
    return (f"{label:<34} wall {statistics.median(walls):6.2f} s (spread {max(walls) - min(walls):.2f}), "
            f"CPU {statistics.median(cpus):6.2f} s (spread {max(cpus) - min(cpus):.2f})")


def api_only(db: Path, target: Path) -> None:
    """The backup API alone, without the sums: where the verification's cost shows."""
    src, dst = sqlite3.connect(db), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def sqlite_runs(db: Path, out: Path, runs: int) -> None:
    ours, bare, floor = [], [], []
    rows = 0
    for i in range(runs):
        target = out / f"backup-{i}.db"
        report = []
        ours.append(timed(lambda: report.append(copy_sqlite(db, target))))
        rows = report[0].rows
        bare.append(timed(lambda: api_only(db, out / f"api-{i}.db")))
        floor.append(timed(lambda: shutil.copyfile(db, out / f"copy-{i}.db")))
        for made in (target, out / f"api-{i}.db", out / f"copy-{i}.db"):
            made.unlink()
    print(f"SQLite store: {db.stat().st_size / 1e6:.0f} MB, {rows} rows")
    print(line("racebot backup (SQLite)", ours))
    print(line("  of which: backup API, no sums", bare))
    print(line("floor: file copy", floor))


def postgres_runs(db: Path, url: str, out: Path, runs: int) -> None:
    import asyncpg

    from storage.postgres.copy import postgres_to_sqlite, sqlite_to_postgres

    schema = f"bench_backup_{os.getpid()}"
    asyncio.run(sqlite_to_postgres(db, url, schema))
    dump = shutil.which("pg_dump")
    ours, floor = [], []
    try:
        for i in range(runs):
            target = out / f"pg-backup-{i}.db"
            ours.append(timed(lambda: asyncio.run(postgres_to_sqlite(url, target, schema))))
            target.unlink()
            if dump:
                dumped = out / f"pg-dump-{i}"
                floor.append(timed(lambda: subprocess.run([dump, "-Fc", "-n", schema, "-f", str(dumped), url],
                                                          check=True)))
                dumped.unlink()
    finally:
        async def drop() -> None:
            conn = await asyncpg.connect(url)
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await conn.close()
        asyncio.run(drop())
    print(line("racebot backup (PostgreSQL)", ours))
    if floor:
        print(line("floor: pg_dump -Fc of the schema", floor))
    else:
        print("floor: pg_dump not installed here")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--url", help="also time PostgreSQL (the store is copied into a schema of its own first)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        db = out / "racebot.db"
        install(db)  # the bundled store, as a first run installs it
        print(f"{args.runs} runs each, interleaved; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        sqlite_runs(db, out, args.runs)
        if args.url:
            postgres_runs(db, args.url, out, args.runs)


if __name__ == "__main__":
    main()
