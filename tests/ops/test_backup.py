"""`racebot backup` and `restore` on both backends: a backup taken while another task keeps
writing is one consistent moment of the store, verified; restored into a new store it is
equal, table by table (row counts and checksums, as copy-store checks them)."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timezone
from types import SimpleNamespace

from backends import any_store, counts, pg_schema, pg_server, store_target  # noqa: F401 (fixtures)
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from ops_data import pending_rows, race
from racebot.backup_cli import backup, restore, run as run_backup
from racebot.cli import main
from storage.postgres.tables import sqlite_sums, sqlite_tables
from storage.postgres.store import PostgresStore

ROWS = [row for event in ("800m", "1500m", "5000m", "10000m") for row in race(event, 40)]


def where(store) -> str:
    """The store as `racebot backup --store` names it."""
    return f"{store.url}?schema={store.schema}" if isinstance(store, PostgresStore) else str(store.path)


async def backup_while_writing(store, source: str, path) -> tuple:
    """A backup taken while subscriptions are added one after another; returns its report and
    how many subscriptions there were before and after it."""
    before = (await counts(store, "subscriptions"))["subscriptions"]
    done = asyncio.Event()
    added = 0

    async def keep_writing() -> None:
        nonlocal added
        while not done.is_set():
            now = datetime.now(timezone.utc)
            await store.add_subscription(Subscription(ChannelRef("discord", "1", f"w{added}"), created_at=now))
            added += 1
            await asyncio.sleep(0)
    writer = asyncio.create_task(keep_writing())
    try:
        while added < 3:  # the writes are under way before the backup starts
            await asyncio.sleep(0.01)
        report = await backup(source, path)
    finally:
        done.set()
        await writer
    return report, before, before + added


async def test_a_backup_during_writes_restores_equal(any_store, tmp_path):
    store = any_store
    await pending_rows(store, 3, ROWS)
    report, before, after = await backup_while_writing(store, where(store), tmp_path / "b.db")
    copy = sqlite3.connect(tmp_path / "b.db")
    assert sqlite_sums(copy, sqlite_tables(copy)) == report.tables  # the file is what was verified
    taken = copy.execute("SELECT count(*) FROM subscriptions").fetchone()[0]
    assert before <= taken <= after and after > before  # one moment among the writes
    assert copy.execute("SELECT count(*) FROM results").fetchone()[0] == len(ROWS)
    assert copy.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0] == 3 * 4

    # into a new SQLite file, whichever backend it came from (restoring into PostgreSQL is
    # copy-store's SQLite-to-PostgreSQL path: tests/storage/test_postgres_copy.py)
    restored = await restore(tmp_path / "b.db", str(tmp_path / "restored.db"))
    back = sqlite3.connect(tmp_path / "restored.db")
    assert sqlite_sums(back, sqlite_tables(back)) == report.tables
    assert restored.tables == report.tables


async def test_refusals_write_nothing(tmp_path, capsys):
    cfg = SimpleNamespace(store=str(tmp_path / "racebot.db"))
    (tmp_path / "racebot.db").write_bytes(b"")
    (tmp_path / "old.db").write_bytes(b"keep me")
    assert await run_backup(cfg, SimpleNamespace(cmd="backup", path=str(tmp_path / "old.db"), store=None)) == 1
    assert "old.db exists: a backup never overwrites; nothing was written" in capsys.readouterr().err
    assert await run_backup(cfg, SimpleNamespace(cmd="restore", path=str(tmp_path / "old.db"), to=None)) == 1
    assert "racebot.db exists: restore never overwrites a store" in capsys.readouterr().err
    assert await run_backup(cfg, SimpleNamespace(cmd="backup", path=str(tmp_path / "b.db"),
                                                 store=str(tmp_path / "old.db"))) == 1
    assert "not a database" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db", "racebot.db"]  # no .partial left
    assert (tmp_path / "old.db").read_bytes() == b"keep me"


def test_racebot_backup_and_restore_from_the_command_line(tmp_path, capsys):
    src, copy, back = (str(tmp_path / name) for name in ("racebot.db", "b.db", "back.db"))
    assert main(["migrate", src]) == 0
    assert main(["--db", src, "backup", copy]) == 0  # the configured store by default
    out = capsys.readouterr().out
    assert "meta: " in out and "; every table's rows and checksum match" in out
    assert main(["restore", copy, "--to", back]) == 0
    assert "restored " in capsys.readouterr().out
    a, b = sqlite3.connect(src), sqlite3.connect(back)
    assert sqlite_sums(a, sqlite_tables(a)) == sqlite_sums(b, sqlite_tables(b))
