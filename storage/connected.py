"""What each row family of SqliteStore (its mixins) uses of the store, declared for the type checker."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from storage.reader import Reader
from storage.writer import Writer


class Connected:
    """SqliteStore sets these and defines the methods; a mixin declares it needs them by subclassing
    this, so it type-checks on its own."""

    conn: Writer
    reader: Reader
    path: str

    if TYPE_CHECKING:  # only declared: SqliteStore's own definitions are the ones that run
        def transaction(self, *, foreign_keys: bool = True,
                        wait: float | None = None) -> AbstractAsyncContextManager[Writer]: ...

        async def write_statement(self, sql: str, args: Sequence[Any], *, wait: float | None = None) -> list[Any]: ...
