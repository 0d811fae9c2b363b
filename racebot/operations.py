"""The long-running and administrative subcommands: run, import (and those later issues add)."""
from __future__ import annotations

import sys

from racebot.config import Config


def add_parsers(sub) -> None:
    """Subcommands beyond the core set; kept here so cli.py stays a thin dispatcher."""


async def dispatch(cfg: Config, args) -> int:
    if args.cmd == "import":
        return await _import(cfg, args.paths, args.format)
    if args.cmd == "run":
        from racebot.runner import run

        return await run(cfg)
    print(f"racebot: unknown command {args.cmd}", file=sys.stderr)
    return 2


async def _import(cfg: Config, paths: list[str], fmt: str | None) -> int:
    from bot.errors import ImportFailed
    from racebot.bundled import ensure_bundled
    from racebot.importing import expand, import_file
    from storage.sqlite import SqliteStore

    store = await SqliteStore.open(cfg.db_path)
    try:
        await ensure_bundled(store)
        for path in expand(paths):
            report = await import_file(store, path, fmt)
            print(report.describe())
    except ImportFailed as exc:
        where = f", line {exc.line}" if exc.line else ""
        print(f"racebot import: {exc.path}{where}: {exc.reason}. Nothing from this file was kept.", file=sys.stderr)
        return 1
    finally:
        await store.close()
    return 0
