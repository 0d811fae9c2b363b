"""The core's in-memory indexes saved beside the store, so the next start answers without a build.

A build reads every result (1.7 s of CPU on the bundled store); loading the saved indexes takes
a fraction of that. A snapshot is used only when it was taken of this very file, by this schema and
this code: anything else (a store put in its place, an upgrade) and it is ignored and rebuilt.
Writes since it was taken are read from the store's change feed and applied, as a running bot
applies another process's import (bot.core.Core.refresh), so a restart after a day of live polls
starts from the snapshot rather than a build. It is a pickle, so it is read only from the
store's own directory, which is as trusted as the store itself.

The file: the store's identity, the Key, the parts' sizes, then each part of the indexes
(bot.indexes.Indexes.parts) as a pickle of its own. A running bot reads every part (in a
thread); a one-shot command maps the file and reads a part when its question first needs it,
so `racebot h2h` never unpickles the competitions, the largest part.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import bot
from bot.indexes import Indexes

log = logging.getLogger(__name__)

# What a snapshot's contents depend on: the classes it holds, the name folding its keys were made
# by, the discipline names it lists. A change to any of them makes older snapshots stale; the
# rest of the code (how a rivalry is told, say) may change freely.
_CODE = ("indexes.py", "search/", "h2h/meetings.py", "domain/models.py", "domain/disciplines.py",
         "store/queries.py")
FORMAT = 2  # parts apart (1: the indexes as one pickle)


def code_fingerprint() -> str:
    root = Path(bot.__file__).parent
    files = sorted(p for name in _CODE for p in ((root / name).glob("*.py") if name.endswith("/") else [root / name]))
    digest = hashlib.sha256(b"format %d\0" % FORMAT)
    for p in files:
        digest.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Key:
    """What indexes were built of: a snapshot is used only for the same."""

    schema: int
    head: int  # the change feed's head when the indexes were built
    code: str = field(default_factory=code_fingerprint)


def identity(store_path: str | Path) -> tuple[int, int]:
    """The store file itself: a store copied or restored in its place is another file."""
    st = os.stat(store_path)
    return st.st_dev, st.st_ino


def path_for(store_path: str | Path) -> Path:
    return Path(str(store_path) + ".indexes")


@dataclass(frozen=True)
class Saved:
    indexes: Indexes
    head: int  # the change feed's head they were built at: the changes after it are still to apply


def load(store_path: str | Path, key: Key, *, lazy: bool = False) -> Saved | None:
    """The indexes saved for this store file by this schema and code, at `key`'s head or before it
    (the caller applies the changes since, racebot.app), or None (absent, stale or unreadable:
    then the caller builds). `lazy`: each part is read on its first use (Indexes.from_parts)."""
    try:
        with path_for(store_path).open("rb") as f:
            if pickle.load(f) != identity(store_path):
                return None
            saved = pickle.load(f)
            if not _usable(saved, key):
                return None
            sizes = pickle.load(f)
            file = _File(os.dup(f.fileno()))
            parts = _parts(file.read, f.tell(), os.fstat(file.fd).st_size, sizes)
        return Saved(Indexes.from_parts(parts.pop("small")(), parts, lazy=lazy), saved.head)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file costs a build, never the start
        log.warning("ignoring the saved indexes beside the store (%s): building them", type(exc).__name__)
        return None


def loads(dumped: bytes, key: Key, *, lazy: bool = False) -> Saved | None:
    """As load, from what dumps() made (the snapshot a PostgreSQL store holds for its processes):
    the indexes at or before `key`'s head, or None when stale or unreadable."""
    try:
        f = io.BytesIO(dumped)
        saved = pickle.load(f)
        if not _usable(saved, key):
            return None
        sizes = pickle.load(f)
        view = memoryview(dumped)

        def read(at: int, size: int) -> memoryview:
            return view[at:at + size]

        parts = _parts(read, f.tell(), len(dumped), sizes)
        return Saved(Indexes.from_parts(parts.pop("small")(), parts, lazy=lazy), saved.head)
    except Exception as exc:  # damaged or of another version: a build, never a failed start
        log.warning("ignoring the saved indexes in the store (%s): building them", type(exc).__name__)
        return None


def _usable(saved: object, key: Key) -> bool:
    # a head ahead of the store's is not of this store's history
    return isinstance(saved, Key) and (saved.schema, saved.code) == (key.schema, key.code) and saved.head <= key.head


class _File:
    """The snapshot as it was opened: a later one is renamed into place, so this descriptor
    keeps reading the file whose header was checked. Closed when no part waits for it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, at: int, size: int) -> bytes:
        data = os.pread(self.fd, size, at)
        if len(data) != size:
            raise EOFError("the saved indexes were cut short")
        return data

    def __del__(self) -> None:
        os.close(self.fd)


def _parts(read: Callable[[int, int], Any], at: int, end: int, sizes: dict[str, int]) -> dict[str, Callable[[], Any]]:
    """Each part's reader; the sizes must add up to the whole, so a cut snapshot is refused whole."""
    spans = {}
    for name, size in sizes.items():
        spans[name] = (at, size)
        at += size
    if at != end or set(spans) != {"small", *Indexes.PARTS}:
        raise ValueError("the parts do not fill the file")

    def reader(begin: int, size: int) -> Callable[[], Any]:
        return lambda: pickle.loads(read(begin, size))

    return {name: reader(*span) for name, span in spans.items()}


def dumps(key: Key, indexes: Indexes) -> bytes:
    """A snapshot of no particular file: what the package ships beside its ready-built store."""
    parts = {name: pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL) for name, part in indexes.parts().items()}
    return (pickle.dumps(key, protocol=pickle.HIGHEST_PROTOCOL)
            + pickle.dumps({name: len(blob) for name, blob in parts.items()}, protocol=pickle.HIGHEST_PROTOCOL)
            + b"".join(parts.values()))


def save(store_path: str | Path, key: Key, indexes: Indexes) -> None:
    save_dumped(store_path, dumps(key, indexes))


def save_dumped(store_path: str | Path, dumped: bytes) -> None:
    """Written whole under another name, then renamed: a reader never sees half a snapshot."""
    target = path_for(store_path)
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as f:
            pickle.dump(identity(store_path), f, protocol=pickle.HIGHEST_PROTOCOL)
            f.write(dumped)
        os.replace(part, target)
    except OSError as exc:  # a read-only directory only costs the next start a build
        log.info("could not save the indexes beside the store: %s", exc.strerror or exc)
        with suppress(OSError):
            part.unlink()


def key_of(dumped: bytes) -> Key | None:
    try:
        key = pickle.loads(dumped)  # the first pickle only: loads stops at its end
    except Exception:
        return None
    return key if isinstance(key, Key) else None
