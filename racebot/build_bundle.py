"""`python -m racebot.build_bundle`: build the ready-built store (racebot.prebuilt) from the
bundled sources, through the same importers a first run without it would use."""
from __future__ import annotations

import asyncio
import lzma
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from racebot.app import open_core

OUT = Path(__file__).parent / "data"


async def build(path: Path) -> None:
    core = await open_core(path, prebuilt=False)
    await core.store.close()


def compact(path: Path) -> None:
    """One file, no WAL beside it, no free pages: what is shipped is just the data."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("VACUUM")
    db.close()


def main(out: Path = OUT) -> Path:
    from racebot.prebuilt import PREBUILT

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bundled.db"
        asyncio.run(build(store))
        compact(store)
        target = out / PREBUILT
        part = target.with_name(target.name + ".part")  # a run reading the package meanwhile sees the old one whole
        with lzma.open(part, "wb", preset=9) as packed:
            packed.write(store.read_bytes())
        os.replace(part, target)
    return target


if __name__ == "__main__":
    print(f"wrote {main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)}")
