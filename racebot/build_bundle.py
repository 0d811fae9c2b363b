"""`python -m racebot.build_bundle`: build the ready-built store (racebot.prebuilt) from the
bundled sources, through the same importers a first run without it would use.

`python -m racebot.build_bundle --indexes`: only the shipped indexes, built over the shipped store
(a minute, not five): enough when the index code changed (racebot.index_snapshot's _CODE) and
neither the bundled files nor the importers did."""
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


def indexes_only(out: Path = OUT) -> Path:
    from racebot.prebuilt import PREBUILT_INDEXES, pack, prebuilt, unpack

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bundled.db"
        with prebuilt().open("rb") as packed, store.open("wb") as copy:
            unpack(packed, copy)
        indexes = asyncio.run(build(store))
        target = out / PREBUILT_INDEXES
        part = target.with_name(target.name + ".part")
        with part.open("wb") as packed_out:
            pack(indexes, packed_out)
        os.replace(part, target)
    return target


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
    args = [a for a in sys.argv[1:] if a != "--indexes"]
    make = indexes_only if "--indexes" in sys.argv[1:] else main
    print(f"wrote {make(Path(args[0]) if args else OUT)}")
