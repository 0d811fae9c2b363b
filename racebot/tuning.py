"""Process-wide performance knobs, set here by the composition root and passed into the core as
hooks: the core itself never changes the collector or the interpreter's switch interval."""
from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from typing import Callable


def freeze_loaded() -> None:
    """After the core (re)loads its indexes: hundreds of thousands of long-lived objects without
    cycles. Left to the collector, each full collection walks them all, a 70 ms stall for every
    command at a million results. Then the memory the load freed is handed back."""
    gc.freeze()
    release_freed()


def release_freed() -> None:
    """Give the pages malloc holds free back to the system. A load leaves them behind: the snapshot's
    bytes, a build's rows, the old indexes, freed in among the new ones, where glibc's malloc keeps
    them for reuse; at a million results that is about 10 MB of a running bot's RSS. A few
    milliseconds; nothing on a C library other than glibc."""
    global _trim
    if _trim is None:
        import ctypes

        try:
            _trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
        except (OSError, AttributeError):  # musl, macOS: no malloc_trim
            _trim = False
    if callable(_trim):
        _trim(0)


_trim: Callable[[int], int] | bool | None = None


@contextmanager
def no_gc_pauses():
    """Millions of short-lived row objects make the cyclic GC run constantly; none of them form cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def quick_handovers(seconds: float = 0.0005):
    """The store's thread needs the GIL between its statements, and we hold it while reading: at
    the default 5 ms per handover its waits added up to seconds of a million-row import."""
    was = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(was)
