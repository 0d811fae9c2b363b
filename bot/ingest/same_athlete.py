"""When are two stored athletes one person? After record linking (issue 12).

Linking by name cannot see a married name (Sandra Perković is the histories' Sandra Elkasević)
or a change of country (Ilias Fifa MAR is Ilias Fifa ESP): the archive and the histories then
hold two athletes. Their races can: once the histories' races joined the archive's, one person
has two rows in each race they ran, with the same place and the same mark. Pure rules over plain
facts; storage/athlete_merge.py finds the candidates and merges inside the import's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from rapidfuzz import fuzz

from bot.search.names import fold

SAME_ROWS = 3  # races with one place and one mark, for two names that share nothing
SAME_ROWS_ALIKE = 2  # ... for two names alike: a transliteration, a name added or dropped
NAMES_ALIKE = 90  # token-set ratio of the folded names: "Domnic"/"Dominic Lokinyomo Lobalu" 98


@dataclass(frozen=True)
class Identity:
    """One stored athlete, as far as telling whether it is another."""

    athlete: int
    name: str
    schemes: frozenset[str]  # the id schemes of the sources that know it (wa, tilastopaja)
    gender: str
    birth_year: int | None
    birth_date: str | None
    last_day: str  # the day of its latest race: the later of two is the newer identity
    rows: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # race -> (place, value, status)


def same_rows(a: Identity, b: Identity) -> tuple[int, int]:
    """(races where both have the same place and mark, races where both are with different rows)."""
    same = differ = 0
    for race, row in a.rows.items():
        other = b.rows.get(race)
        if other is None:
            continue
        if row == other and row[0] is not None and row[1] is not None:
            same += 1
        else:
            differ += 1
    return same, differ


def one_person(a: Identity, b: Identity) -> bool:
    """Two athletes are one when sources with different id schemes know them (one source never
    lists one person twice), they share the same place and mark in several races and never stand
    in one race with different rows, and gender and birth do not contradict. A tie is two rows
    alike once in a while; twins, relay squads and pacers never have the same place and mark race
    after race (pacers have no place; relays are teams, with no one's id)."""
    if not a.schemes or not b.schemes or a.schemes & b.schemes:
        return False
    if a.gender != b.gender or _contradict(a.birth_year, b.birth_year) or _contradict(a.birth_date, b.birth_date):
        return False
    same, differ = same_rows(a, b)
    if differ:
        return False
    if same >= SAME_ROWS:
        return True
    alike = fuzz.token_set_ratio(fold(a.name), fold(b.name)) >= NAMES_ALIKE
    return alike and same >= SAME_ROWS_ALIKE and a.birth_year is not None and b.birth_year is not None


def merges(pairs: Iterable[tuple[Identity, Identity]]) -> list[tuple[Identity, Identity]]:
    """The pairs that are one person, each athlete in one pair at most: one that fits two others
    is none of them (a tie with a third athlete, or a namesake: the evidence does not say which)."""
    fits = [(a, b) for a, b in pairs if one_person(a, b)]
    seen: dict[int, int] = {}
    for a, b in fits:
        for x in (a, b):
            seen[x.athlete] = seen.get(x.athlete, 0) + 1
    return [(a, b) for a, b in fits if seen[a.athlete] == seen[b.athlete] == 1]


def _contradict(x: object, y: object) -> bool:
    return x is not None and y is not None and x != y
