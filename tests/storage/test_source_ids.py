"""Profiles.source_ids: the World Athletics ids a card links, the same from SQLite and PostgreSQL,
and the ids the Diamond League archive gives (read from its files, apart from racebot's readers)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_server import both_stores as both, pg_results_only, pg_server  # noqa: F401  (fixtures)


ARCHIVE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "diamond-league-archive"


def archive_ids(stem: str) -> dict[str, str]:
    """'Jakob Ingebrigtsen' -> his id, for every athlete with an id in one archive file."""
    out = {}
    for events in json.loads((ARCHIVE / f"{stem}.json").read_text("utf-8")).values():
        for ev in events:
            for row in ev["data"]:
                if row.get("id"):
                    name = " ".join(w[0] + w[1:].lower() if len(w) > 1 and w.isupper() else w
                                    for w in row["athlete"].split())
                    out[name] = str(row["id"])
    return out


async def test_world_athletics_ids_are_the_archives_on_both_backends(both):
    lite, pg = both
    given = archive_ids("2022_36")  # Athletissima 2022
    stats = {s.athlete.name: s.athlete.id for s in await lite.athlete_stats()}
    wanted = [n for n in ("Jakob Ingebrigtsen", "Josh Kerr", "Timothy Cheruiyot") if n in stats]
    assert len(wanted) == 3
    ids = [stats[n] for n in wanted]
    found = await lite.source_ids(ids, "wa")
    assert {n: found[stats[n]] for n in wanted} == {n: given[n] for n in wanted}
    assert await pg.source_ids(ids, "wa") == found
    assert await lite.source_ids(ids, "no-such-scheme") == {} == await pg.source_ids(ids, "no-such-scheme")
    assert await lite.source_ids([], "wa") == {} == await pg.source_ids([], "wa")
