"""Contract: rows from the World Athletics source go through the real importer into a real SQLite
store, and WA ids make one athlete of the same person across competitions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.ingest.importer import import_rows
from storage.sqlite import SqliteStore

pytestmark = pytest.mark.asyncio  # also without the project's asyncio_mode = "auto"


async def test_fetched_rows_import_cleanly_and_idempotently(wa_server, make_source, tmp_path):
    source = make_source()
    rows = []
    for competition_id in (7153968, 7174658, 7153964, 9000001):
        rows += await source.competition_results(competition_id)
    rows += await source.athlete_season(14705412, 2022)
    store = await SqliteStore.open(tmp_path / "racebot.db")
    try:
        first = await import_rows(store, rows, "worldathletics")
        assert first.summary.competitions == 5  # Oslo 2022, Birmingham, Eugene, Oslo 2024, Stockholm
        # Nordås's Oslo 5000 m comes twice (meeting results and his season): one result.
        assert first.summary.results_added == len(rows) - 1
        again = await import_rows(store, rows, "worldathletics")
        assert (again.summary.athletes, again.summary.results_added, again.summary.results_changed) == (0, 0, 0)

        db = store.conn
        [(jakob,)] = await db.execute_fetchall(
            "SELECT athlete_id FROM athlete_ids WHERE scheme = 'wa' AND source_id = '14653717'")
        [(name, country, born)] = await db.execute_fetchall(
            "SELECT name, country, birth_date FROM athletes WHERE id = ?", (jakob,))
        assert (name, country, born) == ("Jakob Ingebrigtsen", "NOR", "2000-09-19")
        marks = await db.execute_fetchall(
            "SELECT mark FROM results WHERE athlete_id = ? ORDER BY mark", (jakob,))
        assert [m for (m,) in marks] == ["3:29.74", "3:34.19", "3:46.46"]  # Oslo 2024, Eugene 2022, Oslo 2022 mile
        [(nordas,)] = await db.execute_fetchall("SELECT name FROM athletes WHERE name LIKE 'Narve%'")
        assert nordas == "Narve Gilje Nordås"
    finally:
        await store.close()


async def test_a_poll_batch_is_stored_then_committed(wa_server, make_source, tmp_path):
    source = make_source()
    store = await SqliteStore.open(tmp_path / "racebot.db")
    now = datetime(2022, 6, 20, 20, tzinfo=timezone.utc)
    try:
        batch = await source.poll(now)
        report = await import_rows(store, batch.rows, "worldathletics poll")
        await source.commit(batch)  # only after the rows are stored
        assert report.summary.results_added == len(batch.rows) > 0
        quiet = await source.poll(now.replace(hour=23))
        assert quiet.rows == [] and quiet.marks == []
    finally:
        await store.close()
