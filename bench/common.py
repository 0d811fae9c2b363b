"""Percentiles and the one line every benchmark prints."""
from __future__ import annotations


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def report(label: str, seconds: list[float], floor: list[float] | None = None) -> None:
    line = f"{label}: p50 {pct(seconds, .5) * 1e6:.0f} us, p99 {pct(seconds, .99) * 1e6:.0f} us"
    if floor:
        line += f" ({pct(seconds, .5) / pct(floor, .5):.1f}x floor at p50, {pct(seconds, .99) / pct(floor, .99):.1f}x at p99)"
    print(line + f" over {len(seconds)} calls")
