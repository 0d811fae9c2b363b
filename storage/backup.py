"""A SQLite store copied whole while racebot runs: SQLite's online backup API from one read
snapshot, verified table by table with copy-store's row counts and checksums.

The source is opened read-only and read inside one transaction: the pages copied and the sums
taken are of the same moment, however much others write meanwhile (WAL: writers never wait
for it, and it never waits for them). The copy goes to `<target>.partial` and takes its name only
once verified, so a failed or interrupted backup leaves no file that looks like a good one.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from storage.postgres.copy import CopyFailed, CopyReport, verified
from storage.postgres.tables import sqlite_sums, sqlite_tables


def partial(target: Path) -> Path:
    return target.with_name(target.name + ".partial")


def copy_sqlite(source: Path, target: Path) -> CopyReport:
    """`source` (a racebot SQLite store) into the new file `target`, verified."""
    if not source.is_file():
        raise CopyFailed(f"{source} is not a file")
    part = partial(target)
    part.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        dst = sqlite3.connect(part, isolation_level=None)
        try:
            src.execute("BEGIN")  # the snapshot starts at the first read and holds to COMMIT
            tables = sqlite_tables(src)
            if not tables:
                raise CopyFailed(f"{source} holds no tables: not a racebot store")
            ours = sqlite_sums(src, tables)
            src.backup(dst)  # all pages in one step, from this connection's snapshot
            src.execute("COMMIT")
            report = verified(ours, sqlite_sums(dst, tables))
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        part.unlink(missing_ok=True)
        raise CopyFailed(f"{source}: {exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(part, target)
    return report
