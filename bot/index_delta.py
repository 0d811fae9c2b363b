"""Incremental indexes: the store's change feed names a few races, and only what they touch is
read again and changed in the in-memory indexes, in time proportional to the change.

A change is read first (every await happens here), then applied in one turn of the event loop
(`apply`, no await inside): a command running concurrently sees the indexes before or after it,
never half of it. A race change re-reads the race's results; everyone in it before or after has
their stats and names read again, and its competition its labels. A race gone (merged away by
linking) simply has no results now.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.models import Competition
from bot.store import AthleteStat, Change, IndexReads

if TYPE_CHECKING:
    from bot.indexes import Indexes

Entries = list[tuple[int, bool, bool]]  # athlete id, finished, counts for meetings


@dataclass(frozen=True)
class Delta:
    races: dict[int, tuple[str | None, Entries]]  # race -> its day and results now (none: gone)
    stats: dict[int, AthleteStat | None]  # athlete -> as it is now (None: gone)
    aliases: dict[int, list[tuple[str, str, str]]]  # athlete -> earlier names (name, given, family)
    competitions: list[Competition]
    labels: dict[int, list[tuple[str, bool]]]  # competition -> every race's label, known only in part
    newest: date | None  # the newest result's day: when it moves, every athlete's prominence
    # moves too, each computed again when next asked for (bot.search.athletes)


async def read(indexes: Indexes, store: IndexReads, changes: list[Change]) -> Delta:
    race_ids = sorted({c.race_id for c in changes if c.kind == "race" and c.race_id is not None})
    races: dict[int, tuple[str | None, Entries]] = {r: (None, []) for r in race_ids}
    for race, athlete, finished, counts, day in await store.race_entries_of(race_ids):
        races[race] = (day, races[race][1])
        races[race][1].append((athlete, bool(finished), bool(counts)))
    touched = {c.athlete_id for c in changes if c.kind == "athlete" and c.athlete_id is not None}
    for race, (_, entries) in races.items():
        touched.update(indexes.meetings.athletes_in(race))
        touched.update(a for a, _, _ in entries)
    athletes = indexes.athletes
    stats: dict[int, AthleteStat | None] = dict.fromkeys(touched)
    stats.update((s.athlete.id, s) for s in await store.athlete_stats_of(sorted(touched), athletes.top))
    aliases: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for aid, name, given, family in await store.athlete_aliases_of(sorted(stats)):
        if stats[aid] is not None:
            aliases[aid].append((name, given, family))
    competitions = await store.competitions_of(race_ids, indexes.competitions.top)
    labels: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for cid, label, partial in await store.race_labels_of([c.id for c in competitions]):
        labels[cid].append((label, partial))
    return Delta(races, stats, dict(aliases), competitions, dict(labels), _newest(indexes, stats))


def _newest(indexes: Indexes, stats: dict[int, AthleteStat | None]) -> date | None:
    """The newest result's day: later when a changed athlete raced later; looked for among every
    athlete only when one of the newest day lost that result (a correction or a deletion)."""
    newest = indexes.newest
    days = [st.last_day for st in stats.values() if st is not None and st.last_day]
    for aid, st in stats.items():
        old = indexes.athletes.stats.get(aid)
        if newest is not None and old is not None and old.last_day == newest and (
                st is None or st.last_day is None or st.last_day < newest):
            days += [s.last_day for a, s in indexes.athletes.stats.items() if a not in stats and s.last_day]
            return max(days, default=None)
    return max([*days, *([newest] if newest else [])], default=None)


def apply(indexes: Indexes, delta: Delta) -> None:
    """The delta into the indexes, in one turn of the event loop: no await here."""
    for race, (day, entries) in delta.races.items():
        indexes.meetings.replace(race, day, entries)
    indexes.count_events(delta.stats)
    indexes.newest, indexes.today = delta.newest, delta.newest or date.today()
    indexes.athletes.update(delta.stats, delta.aliases, indexes.today)
    indexes.competitions.update(delta.competitions, delta.labels)
