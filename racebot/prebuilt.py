"""The bundled data as a ready-built store, shipped compressed in the package.

A first run copies it into place instead of importing every bundled result (seconds of parsing,
planning and linking), then opens it as any store: migrations bring an older one up to date, and
a bundle newer than the copy is imported the ordinary way (racebot.bundled.ensure_bundled). It is
made from the sources by `python -m racebot.build_bundle`; a test checks it equals a fresh build.
"""
from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from racebot import index_snapshot
from storage.schema import VERSION

PREBUILT = "bundled-store.sqlite.zst"
PREBUILT_INDEXES = "bundled-indexes.pickle.zst"  # its indexes (racebot.index_snapshot), for a first answer without a build
# Zstandard at its highest ordinary level: 10 MB in the package, and a first run decompresses
# 77 MB in about 0.1 s of CPU (xz took 0.8 s for 8.4 MB; gzip 0.3 s for 14 MB).
LEVEL = 19


def prebuilt(name: str = PREBUILT):
    from importlib import resources  # here: it imports zipfile and tempfile, which a start with a store never needs

    return resources.files("racebot") / "data" / name


def install(path: str | Path) -> bool:
    """Put the ready-built store at `path` unless a store is there already; whether it did."""
    path = Path(path)
    if path.exists():
        return False
    source = prebuilt()
    if not source.is_file():
        return False
    import zstandard  # here, as in pack and unpack: a start with its store in place never decompresses
    part = path.with_name(path.name + ".part")  # renamed into place whole: never a half store
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as packed, part.open("wb") as out:
            unpack(packed, out)
        os.replace(part, path)
        _install_indexes(path)
    except (OSError, zstandard.ZstdError):
        # No place for it (opening the store there says why, in one line), or a damaged package:
        # then the bundled sources are imported the ordinary way, slower but whole.
        with suppress(OSError):
            part.unlink()
        return False
    return True


def _install_indexes(path: Path) -> None:
    """The shipped indexes beside the new store, if they were built by this code and schema (a
    checkout whose index code changed since `racebot.build_bundle` ran builds them instead)."""
    source = prebuilt(PREBUILT_INDEXES)
    if not source.is_file():
        return
    import zstandard

    dumped = zstandard.ZstdDecompressor().decompress(source.read_bytes())
    key = index_snapshot.key_of(dumped)
    if key is not None and key == index_snapshot.Key(VERSION, key.head):
        index_snapshot.save_dumped(path, dumped)


def pack(data: bytes, out: BinaryIO) -> None:
    import zstandard

    out.write(zstandard.ZstdCompressor(level=LEVEL, threads=-1).compress(data))


def unpack(packed: BinaryIO, out: BinaryIO) -> None:
    import zstandard

    zstandard.ZstdDecompressor().copy_stream(packed, out, read_size=1 << 20, write_size=1 << 20)
