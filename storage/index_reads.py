"""The narrow reads behind incremental indexes (bot.index_delta): only what changed races touch.

Every id list travels as one JSON parameter (`json_each`), so a big poll never meets SQLite's
limit on parameters, and each read is bounded by an index: results by (race_id, athlete_id) or
(athlete_id, race_id), athletes and competitions by id, races by competition.
"""
from __future__ import annotations

import json

from bot.domain.models import Competition
from bot.store import AthleteStat
from storage import convert as cv
from storage.queries import ATHLETE_STATS, ENTRY_COLS, athlete_stats
from storage.writer import Writer

_IDS = "(SELECT value FROM json_each(?))"
# Two index searches (the ids, then the ids above), not an OR that SQLite may answer with a scan.
_WANTED = "(SELECT value FROM json_each(?1) UNION ALL SELECT id FROM athletes WHERE id > ?2)"
_STATS = ATHLETE_STATS.format(results=f"WHERE res.athlete_id IN {_WANTED}", athletes=f"WHERE a.id IN {_WANTED}")


class IndexReads:
    conn: Writer

    async def race_entries_of(self, race_ids: list[int]) -> list[tuple[int, int, bool, bool, str]]:
        return list(await self.conn.execute_fetchall(
            f"SELECT {ENTRY_COLS} FROM results res JOIN races r ON r.id = res.race_id "
            f"WHERE res.race_id IN {_IDS} ORDER BY res.race_id, res.athlete_id", (json.dumps(race_ids),)))

    async def athlete_stats_of(self, athlete_ids: list[int], above: int) -> list[AthleteStat]:
        rows = await self.conn.execute_fetchall(f"{_STATS} ORDER BY a.id", (json.dumps(athlete_ids), above))
        return athlete_stats(list(rows), {})

    async def athlete_aliases_of(self, athlete_ids: list[int]) -> list[tuple[int, str, str, str]]:
        return [tuple(r) for r in await self.conn.execute_fetchall(
            f"SELECT athlete_id, name, given, family FROM athlete_aliases WHERE athlete_id IN {_IDS}",
            (json.dumps(athlete_ids),))]

    async def competitions_of(self, race_ids: list[int], above: int) -> list[Competition]:
        rows = await self.conn.execute_fetchall(
            f"SELECT {cv.COMPETITION_COLS} FROM competitions c WHERE c.id IN (SELECT competition_id FROM races "
            "WHERE id IN (SELECT value FROM json_each(?1)) UNION ALL SELECT id FROM competitions WHERE id > ?2) "
            "ORDER BY c.id", (json.dumps(race_ids), above))
        return [cv.competition(r) for r in rows]

    async def race_labels_of(self, competition_ids: list[int]) -> list[tuple[int, str, bool]]:
        return [(cid, label, bool(partial)) for cid, label, partial in await self.conn.execute_fetchall(
            f"SELECT competition_id, label, partial FROM races WHERE competition_id IN {_IDS}",
            (json.dumps(competition_ids),))]
