"""A table of objects by id, held as plain tuples until each is first asked for.

The index snapshot (racebot.index_snapshot) is a pickle, and a pickle makes every object it
holds: 60,000 athletes' frozen dataclasses took 1.1 s of CPU to unpickle at a million results,
their tuples 0.08 s. A question asks for a handful of athletes, so each is made on first use and
kept; a new or changed one is held as the object. Pickled, every entry is a tuple again.
"""
from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, Generic, TypeVar, overload

V = TypeVar("V")
T = TypeVar("T")
Row = tuple[Any, ...]


class Rows(MutableMapping[int, V], Generic[V]):
    """Subclasses say how an object becomes a row and back (`encode`, `decode`)."""

    __slots__ = ("_rows", "_made")

    def __init__(self, rows: dict[int, Row | None] | None = None) -> None:
        self._rows: dict[int, Row | None] = {} if rows is None else rows  # None: only in _made
        self._made: dict[int, V] = {}

    @staticmethod
    def encode(value: V) -> Row:
        raise NotImplementedError

    @staticmethod
    def decode(row: Row) -> V:
        raise NotImplementedError

    def __getitem__(self, key: int) -> V:
        made = self._made.get(key)
        if made is None:
            row = self._rows[key]
            assert row is not None  # None only beside an object in _made
            made = self._made[key] = self.decode(row)
        return made

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

    def __reduce__(self) -> tuple[type[Rows[V]], tuple[dict[int, Row | None]]]:
        made = self._made
        return type(self), ({k: self.encode(made[k]) if k in made else row for k, row in self._rows.items()},)
