"""The long-running and administrative subcommands: run, import, sync, outbox, subscriptions,
copy-store, migrate, backup and restore."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

from racebot.config import Config


def add_parsers(sub) -> None:
    """Subcommands beyond the core set; kept here so cli.py stays a thin dispatcher."""
    from racebot.sync import add_parser as add_sync

    add_sync(sub)
    from racebot.announce_cli import add_parsers as add_outbox

    add_outbox(sub)
    from racebot.store_cli import add_parsers as add_store

    add_store(sub)
    from racebot.backup_cli import add_parsers as add_backup

    add_backup(sub)


async def dispatch(cfg: Config, args) -> int:
    if args.cmd == "import":
        return await _import(cfg, args.paths, args.format, args.wait)
    if args.cmd == "run":
        from racebot.runner import run

        return await run(cfg)
    if args.cmd == "sync":
        from racebot.sync import sync

        return await sync(cfg, args)
    if args.cmd in ("outbox", "subscriptions"):
        from racebot.announce_cli import run as run_outbox

        return await run_outbox(cfg, args)
    if args.cmd in ("copy-store", "migrate"):
        from racebot.store_cli import run as run_store

        return await run_store(cfg, args)
    if args.cmd in ("backup", "restore"):
        from racebot.backup_cli import run as run_backup

        return await run_backup(cfg, args)
    print(f"racebot: unknown command {args.cmd}", file=sys.stderr)
    return 2


async def _import(cfg: Config, paths: list[str], fmt: str | None, wait: float) -> int:
    from bot.errors import ImportFailed, StoreBusy
    from racebot.bundled import ensure_bundled
    from racebot.importing import expand, import_file
    from racebot.stores import open_store

    store = await open_store(cfg.store)
    turns = getattr(store, "turns", None)  # SQLite's; PostgreSQL's writers queue on a lock
    if turns is not None:
        turns.background_wait = wait
        turns.on_wait = lambda seconds: print(
            f"racebot import: waiting for another import to finish… ({seconds:.0f} s)", file=sys.stderr, flush=True)
    try:
        await ensure_bundled(store)
        for path in expand(paths):
            # Imported history is not news: later polls report only corrections to it.
            report = await import_file(store, path, fmt, corrections_at=datetime.now(timezone.utc))
            print(report.describe())
            for warning in report.warnings:
                print(f"warning: {warning}", file=sys.stderr)
    except ImportFailed as exc:
        where = f", line {exc.line}" if exc.line else ""
        print(f"racebot import: {exc.path}{where}: {exc.reason}. Nothing from this file was kept.", file=sys.stderr)
        return 1
    except StoreBusy:
        print(f"racebot import: the store is busy with an import (waited {wait:.0f} s); "
              "nothing from this file was kept, try again later.", file=sys.stderr)
        return 1
    finally:
        await store.close()
    return 0
