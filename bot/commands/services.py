"""What command handlers may use: the store, the in-memory indexes and the clock, and nothing else.

The core builds one and hands it to every handler, so no command reaches for the core itself
(bot.core imports the commands; the commands never import it back).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from bot.indexes import Indexes
from bot.store import Store


@dataclass(frozen=True)
class Services:
    store: Store
    # Swapped in place on every reload (Indexes.load), so this one object stays current.
    indexes: Indexes
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()
