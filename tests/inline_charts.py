"""The chart worker's own drawing code, run in the test's process: adapter tests get real PNGs
without starting a worker process each (a cold start costs seconds). tests/charts/test_worker.py
covers the process boundary itself."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from bot.replies import Chart, thawed


class InlineCharts:
    def __init__(self) -> None:
        self.drawn: list[tuple[Chart, int, dict[str, Any]]] = []  # (chart, data version, what was plotted)

    async def draw(self, chart: Chart, version: int) -> bytes | None:
        if chart.kind == "table":  # Pillow alone: a full-table test need not import matplotlib
            from racebot.charts.table import draw_table

            png, meta = draw_table(thawed(chart.spec))
        else:
            from racebot.charts.draw import draw

            png, meta = draw(chart.kind, thawed(chart.spec))
        self.drawn.append((chart, version, meta))
        return png


@contextmanager
def charts_on(core) -> Iterator[InlineCharts]:
    """`core` draws charts for the length of the block (the shared core is left as it was)."""
    charts, before = InlineCharts(), core.charts
    core.charts = charts
    try:
        yield charts
    finally:
        core.charts = before
