"""`racebot copy-store SRC DST` and `racebot migrate [STORE]`: a store moved between backends, or
brought to this racebot's schema version. A store is a SQLite file's path or a postgresql:// URL
(`?schema=NAME` picks a schema other than public)."""
from __future__ import annotations

import sys
import time

from racebot.config import Config


def add_parsers(sub) -> None:
    p = sub.add_parser("copy-store", help="copy a whole store between SQLite and PostgreSQL (into an empty one), "
                                          "verified by row counts and checksums")
    p.add_argument("source", metavar="SRC", help="a SQLite file or a postgresql:// URL")
    p.add_argument("target", metavar="DST", help="an empty or new store of the other kind")
    m = sub.add_parser("migrate", help="bring a store to this racebot's schema version (opening one does too)")
    m.add_argument("store", nargs="?", metavar="STORE", help="a SQLite file or a postgresql:// URL (default: the configured store)")


async def run(cfg: Config, args) -> int:
    if args.cmd == "migrate":
        return await _migrate(args.store or cfg.store)
    return await _copy(args.source, args.target)


async def _migrate(target: str) -> int:
    from storage.postgres.schema import VERSION
    from storage.postgres.store import PostgresStore, is_postgres_url
    from storage.sqlite import SqliteStore

    store = await (PostgresStore.open(target) if is_postgres_url(target) else SqliteStore.open(target))
    await store.close()
    print(f"racebot migrate: the store is at schema version {VERSION}")
    return 0


async def _copy(source: str, target: str) -> int:
    from storage.postgres.copy import CopyFailed, postgres_to_sqlite, sqlite_to_postgres
    from storage.postgres.store import is_postgres_url

    start = time.perf_counter()
    try:
        if is_postgres_url(target) and not is_postgres_url(source):
            report = await sqlite_to_postgres(source, target)
        elif is_postgres_url(source) and not is_postgres_url(target):
            report = await postgres_to_sqlite(source, target)
        else:
            print("racebot copy-store: one side must be a SQLite file and the other a postgresql:// URL",
                  file=sys.stderr)
            return 2
    except CopyFailed as exc:
        print(f"racebot copy-store: {exc}; nothing was copied", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    for table in report.tables:
        print(table)
    print(f"copied {report.rows} rows in {seconds:.1f} s; every table's rows and checksum match")
    return 0
