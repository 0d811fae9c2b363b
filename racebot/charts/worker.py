"""The chart worker: `python -m racebot.charts.worker`, one drawing per request, for as long as
its parent keeps stdin open.

Frames both ways are a 4-byte big-endian length and that many bytes. A request is one JSON
frame {"kind", "spec"}; the answer is a JSON frame (what was plotted, the time it took, the
worker's peak RSS) then a PNG frame, empty when the drawing failed. At start, before any request,
it sends one JSON frame saying it is ready and what its start-up cost.
"""
from __future__ import annotations

import gc
import json
import resource
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None  # the parent closed our stdin: time to go
    size = HEADER.unpack(head)[0]
    body = stream.read(size)
    return body if len(body) == size else None


def write_frame(stream: BinaryIO, body: bytes) -> None:
    stream.write(HEADER.pack(len(body)) + body)


def rss_kb() -> int:
    """Peak resident memory of this process (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    started = time.perf_counter()
    cpu = time.process_time()
    from racebot.charts.draw import draw, prepare

    # Warm: fonts, the Agg canvas, and each kind's first-use paths (date locators, legend, annotations)
    # load once, here: a first rivalry drawn cold was the slowest chart of a run.
    draw("gaps", {"title": "", "unit": "s", "points": [
        {"place": 1, "athlete": "", "country": "", "mark": "", "gap": 0.0},
        {"place": 2, "athlete": "", "country": "", "mark": "", "gap": 1.0}]})
    prepare()
    draw("rivalry", {"title": "", "event": "", "measured": False,
                     "athletes": [{"side": "a", "short": "A"}, {"side": "b", "short": "B"}],
                     "points": [{"date": d, "value": v, "side": s, "meeting": True, "outcome": o, "championship": "world",
                                 "competition": "c"}
                                for d, v, s, o in (("2023-08-23", 210.0, "a", "won"), ("2023-08-23", 211.0, "b", "lost"),
                                                   ("2024-06-01", 209.0, "b", "won"), ("2024-06-01", 212.0, "a", "lost"))]})
    draw("table", {"title": "warm", "lines": ["A  B", "----", "1  2"], "header": 2, "footer": "f"})  # fonts loaded
    # No collection while drawing (a figure is thousands of objects in cycles: collections landed
    # inside drawings, the slowest tenth); the garbage goes between requests, with the next figure made.
    gc.collect()
    gc.freeze()
    gc.disable()
    prepare()
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    write_frame(out, json.dumps({"ready": True, "start_ms": (time.perf_counter() - started) * 1000,
                                 "start_cpu_ms": (time.process_time() - cpu) * 1000, "rss_kb": rss_kb()}).encode())
    out.flush()
    while (frame := read_frame(inp)) is not None:
        t0, c0 = time.perf_counter(), time.process_time()
        meta: dict[str, Any]
        try:
            request = json.loads(frame)
            png, meta = draw(request["kind"], request["spec"])
            meta["ok"] = True
        except Exception as exc:  # a bad spec costs that one chart, never the worker
            traceback.print_exc(file=sys.stderr)
            png, meta = b"", {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        meta.update(ms=(time.perf_counter() - t0) * 1000, cpu_ms=(time.process_time() - c0) * 1000, rss_kb=rss_kb())
        write_frame(out, json.dumps(meta).encode())
        write_frame(out, png)
        out.flush()
        gc.collect()
        prepare()
    return 0


if __name__ == "__main__":
    sys.exit(main())
