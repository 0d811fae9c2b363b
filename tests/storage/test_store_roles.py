"""Every role of the store (bot.backend.Store and the unit of work's WriteTx and BulkWrite) is
implemented by the SQLite backend, with the same parameters: what a second backend must pass too.
Likewise every chat adapter is an Adapter (bot.adapter)."""
from __future__ import annotations

import inspect

import pytest

from adapters.console import ConsoleAdapter
from adapters.discord.adapter import DiscordAdapter
from adapters.slack.adapter import SlackAdapter
from bot.adapter import Adapter
from bot.backend import Store
from bot.announce.store import OutboxTx
from bot.store import BulkWrite, Writes, WriteTx
from bot.commands.services import CoreStore
from bot.sources.state import SourceState
from bot.store import Changes, IndexReads, Lifecycle, Meta, Queries, SeenRequests
from storage.bulk import SqliteBulkWrite
from storage.postgres.bulk import PostgresBulkWrite
from storage.postgres.outbox_tx import PostgresOutboxTx
from storage.postgres.store import PostgresStore
from storage.postgres.write_tx import PostgresWriteTx
from storage.sqlite import SqliteStore
from storage.write_tx import SqliteWriteTx


def members(protocol: type) -> dict[str, object]:
    """Each method and property a Protocol declares, its own or its roles'."""
    found: dict[str, object] = {}
    for role in reversed(protocol.__mro__):
        if getattr(role, "_is_protocol", False) and role is not protocol.__mro__[-1]:
            found.update({n: v for n, v in vars(role).items() if not n.startswith("_")
                          and (callable(v) or isinstance(v, property))})
    return found


def parameters(function) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("protocol, implementation", [(Store, SqliteStore), (WriteTx, SqliteWriteTx),
                                                      (BulkWrite, SqliteBulkWrite)])
def test_the_sqlite_backend_implements_every_role(protocol, implementation):
    declared = members(protocol)
    assert len(declared) > (40 if protocol is Store else 3)  # the roles were found at all
    for name, declaration in declared.items():
        if name == "outbox":  # WriteTx.outbox: an attribute of each SqliteWriteTx
            assert "self.outbox = " in inspect.getsource(implementation.__init__)
            continue
        made = getattr(implementation, name, None)
        assert made is not None, f"{implementation.__name__} lacks {protocol.__name__}.{name}"
        if isinstance(declaration, property):
            assert isinstance(made, property), name
            continue
        assert parameters(made) == parameters(declaration), f"{implementation.__name__}.{name}"
        assert inspect.iscoroutinefunction(made) == inspect.iscoroutinefunction(declaration), name


@pytest.mark.parametrize("role, implementation", [
    *((r, PostgresStore) for r in (Store, CoreStore, Queries, IndexReads, Changes, Meta, Lifecycle, SeenRequests,
                                   SourceState, Writes)),
    (WriteTx, PostgresWriteTx), (BulkWrite, PostgresBulkWrite), (OutboxTx, PostgresOutboxTx)])
def test_the_postgres_backend_implements_every_role(role, implementation):
    """Issue 16: every role of the store, the unit of work and the outbox's, as SQLite's."""
    for name, declaration in members(role).items():
        if name == "outbox":  # WriteTx.outbox: an attribute of each PostgresWriteTx
            assert "self.outbox = PostgresOutboxTx(" in inspect.getsource(implementation.__init__)
            continue
        made = getattr(implementation, name, None)
        assert made is not None, f"{implementation.__name__} lacks {role.__name__}.{name}"
        if isinstance(declaration, property):
            assert isinstance(made, property), name
            continue
        assert parameters(made) == parameters(declaration), f"{implementation.__name__}.{name}"
        assert inspect.iscoroutinefunction(made) == inspect.iscoroutinefunction(declaration), name


@pytest.mark.parametrize("adapter", [ConsoleAdapter, DiscordAdapter, SlackAdapter])
def test_every_chat_adapter_is_an_adapter(adapter):
    for name, declaration in members(Adapter).items():
        made = getattr(adapter, name)
        assert parameters(made) == parameters(declaration), f"{adapter.__name__}.{name}"
    assert isinstance(adapter.platform, str) and adapter.platform
    assert "name" in Adapter.__annotations__
