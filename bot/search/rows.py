"""A table of objects by id, held packed (one bytes object each) until each is first asked for.

The index snapshot (racebot.index_snapshot) is a pickle, and a pickle makes every object it
holds: 60,000 athletes' frozen dataclasses took 1.1 s of CPU to unpickle at a million results,
their tuples 0.08 s. A question asks for a handful of athletes, so each is made on first use and
kept; a new or changed one is held as the object. Pickled, every entry is packed again.

Packed, not a tuple: a tuple of eleven fields held an object per field (strings, ints, dates),
about 350 bytes an athlete; the same row marshalled is one bytes object of about 100 (14 MB less
at a million results). `encode` gives marshal's types only (a date as its ordinal).
"""
from __future__ import annotations

import marshal
from collections.abc import Iterator, MutableMapping
from typing import Any, Generic, TypeVar, overload

V = TypeVar("V")
T = TypeVar("T")
Row = tuple[Any, ...]


class Rows(MutableMapping[int, V], Generic[V]):
    """Subclasses say how an object becomes a row and back (`encode`, `decode`)."""

    __slots__ = ("_rows", "_made")

    def __init__(self, rows: dict[int, bytes | None] | None = None) -> None:
        self._rows: dict[int, bytes | None] = {} if rows is None else rows  # packed rows; None: only in _made
        self._made: dict[int, V] = {}

    @staticmethod
    def encode(value: V) -> Row:
        """Of marshal's types only: None, bool, int, float, str, bytes, and tuples of them."""
        raise NotImplementedError

    @staticmethod
    def decode(row: Row) -> V:
        raise NotImplementedError

    def __getitem__(self, key: int) -> V:
        made = self._made.get(key)
        if made is None:
            row = self._rows[key]
            assert row is not None  # None only beside an object in _made
            made = self._made[key] = self.decode(marshal.loads(row))
        return made

    def row(self, key: int) -> Row:
        """The entry as encode() gives it, without making (or keeping) the object."""
        packed = self._rows[key]
        return self.encode(self._made[key]) if packed is None else marshal.loads(packed)

    def pack(self) -> None:
        """Every entry packed, and the objects made so far let go: after a build, which set
        each one as an object (a start from the snapshot holds them packed already)."""
        made = self._made
        self._rows = {k: marshal.dumps(self.encode(made[k])) if row is None else row for k, row in self._rows.items()}
        self._made = {}

    @overload
    def get(self, key: int, /) -> V | None: ...

    @overload
    def get(self, key: int, /, default: V | T) -> V | T: ...

    def get(self, key: int, /, default: Any = None) -> Any:  # the Mapping mixin's try/except is slower
        return self[key] if key in self._rows else default

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __setitem__(self, key: int, value: V) -> None:
        self._made[key] = value
        self._rows[key] = None

    def __delitem__(self, key: int) -> None:
        del self._rows[key]
        self._made.pop(key, None)

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def copy(self) -> Rows[V]:
        """Another table of the same entries (the objects made so far shared, they are frozen)."""
        twin = type(self)(dict(self._rows))
        twin._made = dict(self._made)
        return twin

    def __reduce__(self) -> tuple[type[Rows[V]], tuple[dict[int, bytes | None]]]:
        made = self._made
        return type(self), ({k: marshal.dumps(self.encode(made[k])) if row is None else row
                             for k, row in self._rows.items()},)
