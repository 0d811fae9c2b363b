"""Ingest on PostgreSQL: the `racebot import` path on the synthetic CSV into a PostgreSQL store,
beside its floor, a bare COPY of the same result rows into the same schema (parents already
there, nothing else done). Each run in fresh schemas; median and spread of the runs.

    python bench/generate.py --results 1000000 --out bench/out/synthetic.csv
    python bench/pg_ingest.py --csv bench/out/synthetic.csv [--url postgresql://postgres@127.0.0.1:5432/test]

CPU is this process's (the importer's Python); the server's own work shows in the wall time.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from racebot.importing import import_file  # noqa: E402
from storage.postgres.store import PostgresStore  # noqa: E402

RESULT_COLUMNS = ["race_id", "athlete_id", "place", "mark", "value", "status", "wind", "flags", "note", "source",
                  "origin"]


async def through_racebot(url: str, schema: str, csv: Path) -> tuple[float, float, int]:
    store = await PostgresStore.open(url, schema=schema)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        # exactly what `racebot import` does, including the outbox's bookkeeping of the new races
        report = await import_file(store, csv, corrections_at=datetime.now(timezone.utc))
        return time.perf_counter() - wall, time.process_time() - cpu, report.rows
    finally:
        await store.close()


async def floor(url: str, source: str, target: str) -> tuple[float, float, int]:
    """COPY of the same result rows, ids known, into the same (migrated) schema."""
    store = await PostgresStore.open(url, schema=target)
    await store.close()
    conn = await asyncpg.connect(url)
    try:
        rows = [tuple(r) for r in await conn.fetch(f'SELECT {", ".join(RESULT_COLUMNS)} FROM "{source}".results')]
        for table in ("athletes", "competitions", "races"):
            await conn.execute(f'INSERT INTO "{target}".{table} SELECT * FROM "{source}".{table}')
        wall, cpu = time.perf_counter(), time.process_time()
        async with conn.transaction():
            await conn.copy_records_to_table("results", records=rows, columns=RESULT_COLUMNS, schema_name=target)
        return time.perf_counter() - wall, time.process_time() - cpu, len(rows)
    finally:
        await conn.close()


async def drop(url: str, *schemas: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for schema in schemas:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (spread {min(values):.2f}-{max(values):.2f})"


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv", type=Path, default=Path("bench/out/synthetic.csv"))
    p.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--prefix", default="bench", help="the schemas' names start with it (dropped after each run)")
    a = p.parse_args()
    ours: list[tuple[float, float, int]] = []
    base: list[tuple[float, float, int]] = []
    for run in range(a.runs):
        schema, target = f"{a.prefix}_ingest_{run}", f"{a.prefix}_floor_{run}"
        await drop(a.url, schema, target)
        try:
            ours.append(await through_racebot(a.url, schema, a.csv))
            base.append(await floor(a.url, schema, target))
        finally:
            await drop(a.url, schema, target)
        print(f"run {run + 1}: racebot import {ours[-1][0]:.2f} s wall / {ours[-1][1]:.2f} s CPU; "
              f"COPY floor {base[-1][0]:.2f} s wall / {base[-1][1]:.2f} s CPU", flush=True)
    n, m = ours[0][2], base[0][2]
    rate, floor_rate = n / statistics.median(r[0] for r in ours), m / statistics.median(r[0] for r in base)
    print(f"racebot import on PostgreSQL: {n} rows, wall {spread([r[0] for r in ours])}, "
          f"CPU {spread([r[1] for r in ours])} = {rate:,.0f} results/s")
    print(f"bare COPY floor: {m} rows, wall {spread([r[0] for r in base])}, "
          f"CPU {spread([r[1] for r in base])} = {floor_rate:,.0f} results/s")
    print(f"ratio to floor (wall, medians): {rate / floor_rate:.2f} (target: >= 0.5x)")


if __name__ == "__main__":
    asyncio.run(main())
