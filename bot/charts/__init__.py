"""What charts show, as data (bot.replies.Chart): the points and labels of a rivalry or a race.

Drawing them is the composition root's business (racebot/charts, in a worker process): bot/
imports no plotting library.
"""
from __future__ import annotations

from typing import Protocol

from bot.replies import Chart


class ChartDrawer(Protocol):
    """What the core asks to turn a reply's chart into PNG bytes (racebot.charts.client.ChartWorker)."""

    async def draw(self, chart: Chart, version: int) -> bytes | None:
        """The PNG, or None when it could not be drawn: the reply then goes without it."""
        ...
