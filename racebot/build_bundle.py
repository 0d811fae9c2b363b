"""`python -m racebot.build_bundle`: build the ready-built store (racebot.prebuilt) from the
bundled sources, through the same importers a first run without it would use."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from racebot import index_snapshot
from racebot.app import open_core
from storage.schema import VERSION

OUT = Path(__file__).parent / "data"


async def build(path: Path) -> bytes:
    """Build the store at `path`; its indexes, dumped as racebot.index_snapshot ships them."""
    core = await open_core(path, prebuilt=False)
    try:
        return index_snapshot.dumps(index_snapshot.Key(VERSION, await core.store.change_head()), core.indexes)
    finally:
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
    from racebot.prebuilt import PREBUILT, PREBUILT_INDEXES, pack

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bundled.db"
        indexes = asyncio.run(build(store))
        compact(store)
        for name, data in ((PREBUILT_INDEXES, indexes), (PREBUILT, store.read_bytes())):
            target = out / name
            part = target.with_name(target.name + ".part")  # a run reading the package meanwhile sees the old one whole
            with part.open("wb") as packed:
                pack(data, packed)
            os.replace(part, target)
    return target


if __name__ == "__main__":
    print(f"wrote {main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)}")
