"""The narrow reads behind incremental indexes (IndexReads), in PostgreSQL: id lists as one array."""
from __future__ import annotations

import asyncpg

from bot.domain.models import Competition
from bot.store import AthleteStat
from storage import convert as cv
from storage.postgres.queries import ATHLETE_STATS, ENTRY_COLS
from storage.queries import athlete_stats

_WANTED = "(SELECT unnest($1::bigint[]) UNION ALL SELECT id FROM athletes WHERE id > $2)"
_STATS = ATHLETE_STATS.format(results=f"WHERE res.athlete_id IN {_WANTED}", athletes=f"WHERE a.id IN {_WANTED}")


class PostgresIndexReads:
    pool: asyncpg.Pool

    async def race_entries_of(self, race_ids: list[int]) -> list[tuple[int, int, bool, bool, str]]:
        return [tuple(r) for r in await self.pool.fetch(
            f"SELECT {ENTRY_COLS} FROM results res JOIN races r ON r.id = res.race_id "
            "WHERE res.race_id = ANY($1::bigint[]) ORDER BY res.race_id, res.athlete_id", race_ids)]

    async def athlete_stats_of(self, athlete_ids: list[int], above: int) -> list[AthleteStat]:
        rows = await self.pool.fetch(f"{_STATS} ORDER BY a.id", athlete_ids, above)
        return athlete_stats([tuple(r) for r in rows], {})

    async def athlete_aliases_of(self, athlete_ids: list[int]) -> list[tuple[int, str, str, str]]:
        return [tuple(r) for r in await self.pool.fetch(
            "SELECT athlete_id, name, given, family FROM athlete_aliases WHERE athlete_id = ANY($1::bigint[])",
            athlete_ids)]

    async def competitions_of(self, race_ids: list[int], above: int) -> list[Competition]:
        rows = await self.pool.fetch(
            f"SELECT {cv.COMPETITION_COLS} FROM competitions c WHERE c.id IN (SELECT competition_id FROM races "
            "WHERE id = ANY($1::bigint[]) UNION ALL SELECT id FROM competitions WHERE id > $2) ORDER BY c.id",
            race_ids, above)
        return [cv.competition(tuple(r)) for r in rows]

    async def race_labels_of(self, competition_ids: list[int]) -> list[tuple[int, str, bool]]:
        return [(cid, label, bool(partial)) for cid, label, partial in await self.pool.fetch(
            "SELECT competition_id, label, partial FROM races WHERE competition_id = ANY($1::bigint[])",
            competition_ids)]
