"""Athletes of an import file resolved once per distinct raw key, by the Planner's rules.

Two kinds of key. An `athlete_id` alone: once the planner has matched an id, that id always
means that athlete, whatever name a row spells. (name, country, athlete_id), for chunks with
rows lacking an id: a name-only match holds only while no other athlete of that name and
country appears, so when the planner adds one, the name-only keys of that name are forgotten
and their later rows ask the planner again (and are refused as ambiguous, as they were row by
row). Rows before that keep the answer they had.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.ingest.planner import Planner
from bot.ingest.rows import ResultRow
from bot.search.names import fold, split_name


class AthleteKeys:
    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.by_id: dict[str, int] = {}  # raw athlete_id -> planner athlete id
        self.by_name: dict[tuple[Any, ...], int] = {}  # raw (name, country, athlete_id) -> planner athlete id
        self._name_only: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)

    def resolve(self, key: str | tuple[Any, ...], row: ResultRow) -> tuple[int, bool]:
        """The athlete of `row`, remembered under its raw key, and whether name-only keys were forgotten."""
        made = len(self.planner.plan.athletes)
        aid = self.planner.athlete(row)
        forgot = False
        for new in self.planner.plan.athletes[made:]:
            for stale in self._name_only.pop((fold(new.name), new.country), ()):
                forgot = self.by_name.pop(stale, None) is not None or forgot
        if isinstance(key, str):
            self.by_id[key] = aid
        else:
            self.by_name[key] = aid
            if not row.athlete_id:
                self._name_only[(fold(split_name(row.athlete)[0]), row.country)].append(key)
        return aid, forgot
