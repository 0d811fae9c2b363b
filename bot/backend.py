"""Everything one storage backend implements: the union of the store's roles.

storage/sqlite.py's SqliteStore is one; a second backend (PostgreSQL) implements exactly this.
Nothing in bot/ takes a whole `Store`: each consumer names the roles it uses (bot.store,
bot.announce.store, bot.sources.state); the composition root holds the whole.
"""
from __future__ import annotations

from typing import Protocol

from bot.announce.store import OutboxStore
from bot.sources.state import SourceState
from bot.store import Changes, IndexReads, Installs, InstallStates, Lifecycle, Meta, Profiles, Queries, SeenRequests, Writes


class Store(Queries, Profiles, IndexReads, Writes, Changes, OutboxStore, SourceState, Meta, SeenRequests, Installs, InstallStates,
            Lifecycle, Protocol):
    pass
