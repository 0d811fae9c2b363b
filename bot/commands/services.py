"""What command handlers may use: the store, the in-memory indexes and the clock, and nothing else.

The core builds one and hands it to every handler, so no command reaches for the core itself
(bot.core imports the commands; the commands never import it back).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Protocol

from bot.indexes import Indexes
from bot.announce.store import FollowStore, OutboxStatus, SubscriptionStore
from bot.sources.health import HealthStore
from bot.store import Changes, IndexReads, Installs, InstallStates, Lifecycle, Profiles, Queries, SeenRequests


class CoreStore(Queries, Profiles, IndexReads, Changes, SubscriptionStore, FollowStore, OutboxStatus, HealthStore,
                SeenRequests, Installs, InstallStates, Lifecycle, Protocol):
    """The roles the core and its commands use: reads, the change feed, channels' subscriptions,
    users' follows, /status's health; the Slack adapter's replay defence and installations, and the
    composition root's close, reach the store through the core too."""


@dataclass(frozen=True)
class Services:
    store: CoreStore
    # Swapped in place on every reload (Indexes.load), so this one object stays current.
    indexes: Indexes
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()
