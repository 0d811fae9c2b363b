"""`racebot backup PATH` and `racebot restore PATH`: an online, consistent copy of the store as a
SQLite file, and that file put back into an empty store of either kind.

A backup is always a SQLite file, whichever the backend: one portable format that `racebot
restore` (or `racebot copy-store`) loads into SQLite or PostgreSQL alike. From SQLite it is the
online backup API (storage.backup); from PostgreSQL, copy-store's read of one REPEATABLE READ
snapshot. Both run beside a running bot without stopping it, and both are verified by row counts
and a checksum of every table before the file takes its name.
"""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from racebot.config import Config
from racebot.database_url import is_postgres_url


def add_parsers(sub) -> None:
    b = sub.add_parser("backup", help="copy the store, while racebot runs, to a new SQLite file (verified)")
    b.add_argument("path", metavar="PATH", help="the backup file to create (it must not exist)")
    b.add_argument("--store", metavar="STORE", help="a SQLite file or postgresql:// URL (default: the configured store)")
    r = sub.add_parser("restore", help="load a backup into an empty store (verified)")
    r.add_argument("path", metavar="PATH", help="a file made by racebot backup")
    r.add_argument("--to", metavar="STORE",
                   help="a new SQLite file or an empty postgresql:// store (default: the configured store)")


async def run(cfg: Config, args) -> int:
    from storage.postgres.copy import CopyFailed

    start = time.perf_counter()
    try:
        if args.cmd == "backup":
            report, what = await backup(args.store or cfg.store, Path(args.path)), "backed up"
        else:
            report, what = await restore(Path(args.path), args.to or cfg.store), "restored"
    except CopyFailed as exc:
        print(f"racebot {args.cmd}: {exc}; nothing was written", file=sys.stderr)
        return 1
    for table in report.tables:
        print(table)
    print(f"{what} {report.rows} rows in {time.perf_counter() - start:.1f} s; every table's rows and checksum match")
    return 0


async def backup(store: str, target: Path):
    from storage.backup import copy_sqlite, partial
    from storage.postgres.copy import CopyFailed, postgres_to_sqlite

    if target.exists():
        raise CopyFailed(f"{target} exists: a backup never overwrites")
    if not is_postgres_url(store):
        return await asyncio.to_thread(copy_sqlite, Path(store), target)
    part = partial(target)
    part.unlink(missing_ok=True)
    try:
        report = await postgres_to_sqlite(store, part)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    return report


async def restore(path: Path, store: str):
    from storage.backup import copy_sqlite
    from storage.postgres.copy import CopyFailed, sqlite_to_postgres
    from storage.sqlite import SqliteStore

    if not path.is_file():
        raise CopyFailed(f"{path} is not a file")
    if is_postgres_url(store):
        return await sqlite_to_postgres(path, store)  # refuses a store that has rows
    target = Path(store)
    if target.exists():
        raise CopyFailed(f"{target} exists: restore never overwrites a store (stop racebot and move it aside)")
    target.parent.mkdir(parents=True, exist_ok=True)
    report = await asyncio.to_thread(copy_sqlite, path, target)
    await (await SqliteStore.open(target)).close()  # a backup by an older racebot: brought to this schema
    return report
