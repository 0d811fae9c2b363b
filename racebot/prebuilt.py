"""The bundled data as a ready-built store, shipped compressed in the package.

A first run copies it into place instead of importing every bundled result (seconds of parsing,
planning and linking), then opens it as any store: migrations bring an older one up to date, and
a bundle newer than the copy is imported the ordinary way (racebot.bundled.ensure_bundled). It is
made from the sources by `python -m racebot.build_bundle`; a test checks it equals a fresh build.
"""
from __future__ import annotations

import lzma
import os
import shutil
from contextlib import suppress
from importlib import resources
from pathlib import Path

PREBUILT = "bundled-store.sqlite.xz"


def prebuilt():
    return resources.files("racebot") / "data" / PREBUILT


def install(path: str | Path) -> bool:
    """Put the ready-built store at `path` unless a store is there already; whether it did."""
    path = Path(path)
    source = prebuilt()
    if path.exists() or not source.is_file():
        return False
    part = path.with_name(path.name + ".part")  # renamed into place whole: never a half store
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as packed, lzma.open(packed) as store, part.open("wb") as out:
            shutil.copyfileobj(store, out, 1 << 20)
        os.replace(part, path)
    except (OSError, EOFError, lzma.LZMAError):
        # No place for it (opening the store there says why, in one line), or a damaged package:
        # then the bundled sources are imported the ordinary way, slower but whole.
        with suppress(OSError):
            part.unlink()
        return False
    return True
