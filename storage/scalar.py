"""The one integer that an aggregate or a PRAGMA query answers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.writer import Writer


async def scalar(db: Writer, sql: str, args: Sequence[Any] = ()) -> int:
    """The first column of the one row `sql` returns: count(*), coalesce(max(id), 0), a PRAGMA's value."""
    row = await (await db.execute(sql, args)).fetchone()
    if row is None:
        raise RuntimeError(f"no row from: {sql}")
    value: int = row[0]
    return value
