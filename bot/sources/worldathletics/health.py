"""How the source is doing: the core's SourceHealth (bot/source_health.py), shared by every source."""
from __future__ import annotations

from bot.source_health import SourceHealth

__all__ = ["SourceHealth"]
