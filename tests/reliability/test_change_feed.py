"""Item 11 of issue #13: a running bot sees another process's import without a restart.

Before: the indexes were built at start-up only, so names imported by `racebot import` in
another process stayed unknown to /h2h until the bot was restarted."""
from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
from racebot_cli import racebot_async
from results_only import core, db_copy  # noqa: F401 (another process's import is the point, not the histories)
from store_state import HEADER, count

from bot.commands.registry import Context
from bot.errors import ImportFailed

NEWS = [f"2026-06-12,Feed Games,Testville,,1500m,M,final,,{place},{name},NOR,{mark},,,test,"
        for place, name, mark in ((1, "Quentin Feedrunner", "3:30.00"), (2, "Ulrik Changeling", "3:31.00"))]


def feed(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, kind, race_id, athlete_id FROM changes ORDER BY seq").fetchall()


async def test_core_sees_an_import_made_by_another_process(core, db_copy, tmp_path):
    csv = tmp_path / "news.csv"
    csv.write_text(HEADER + "\n" + "\n".join(NEWS) + "\n", encoding="utf-8")
    assert (await core.handle_text("/h2h Feedrunner Changeling", Context())).error
    assert await core.refresh() == 0  # nothing new: no reload
    done = await racebot_async("--db", str(db_copy), "import", str(csv), timeout=60)
    assert done.code == 0, done.err
    assert (await core.handle_text("/h2h Feedrunner Changeling", Context())).error  # not seen yet
    assert await core.refresh() == 3  # one race, two athletes
    reply = await core.handle_text("/h2h Feedrunner Changeling", Context())
    assert reply.title == "Quentin Feedrunner v Ulrik Changeling" and reply.data["wins"] == {"a": 1, "b": 0}
    assert await core.refresh() == 0
    # The same file again changes nothing, so the feed says nothing and nobody reloads.
    head = feed(db_copy)
    assert (await racebot_async("--db", str(db_copy), "import", str(csv), timeout=60)).code == 0
    assert feed(db_copy) == head and await core.refresh() == 0


async def test_the_running_follower_picks_it_up_within_seconds(core, db_copy, tmp_path):
    csv = tmp_path / "news.csv"
    csv.write_text(HEADER + "\n" + "\n".join(NEWS) + "\n", encoding="utf-8")
    follower = core.follow_changes(every=0.2)
    try:
        assert (await racebot_async("--db", str(db_copy), "import", str(csv), timeout=60)).code == 0
        started = time.perf_counter()
        while (await core.handle_text("/h2h Feedrunner Changeling", Context())).error:
            assert time.perf_counter() - started < 5.0, "the bot never noticed the import"
            await asyncio.sleep(0.1)
    finally:
        follower.cancel()


async def test_every_write_path_adds_to_the_feed_in_its_transaction(core, db_copy, tmp_path):
    """CSV (streamed, the bulk writer) and JSON (WriteTx.apply, as polls and syncs use) both write
    the feed; an import refused half-way leaves no feed rows behind."""
    from racebot.importing import import_file

    csv = tmp_path / "news.csv"
    csv.write_text(HEADER + "\n" + "\n".join(NEWS) + "\n", encoding="utf-8")
    before = len(feed(db_copy))
    await import_file(core.store, csv)
    after_csv = feed(db_copy)
    assert [kind for _, kind, _, _ in after_csv[before:]] == ["athlete", "athlete", "race"]
    json_file = tmp_path / "more.json"
    json_file.write_text('[{"date": "2026-07-01", "competition": "Json Games", "event": "800m", "gender": "W",'
                         ' "athlete": "Wilma Jsonsdottir", "mark": "1:58.00", "place": "1"}]', encoding="utf-8")
    await import_file(core.store, json_file)
    after_json = feed(db_copy)
    assert [kind for _, kind, _, _ in after_json[len(after_csv):]] == ["athlete", "race"]
    race = after_json[-1][2]
    assert count(db_copy, "SELECT count(*) FROM results WHERE race_id = ?", (race,)) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n" + NEWS[0].replace("Feed Games", "Bad Games") + "\n"
                   + "2026-06-13,Bad Games,Testville,,1500m,M,final,,1,X Y,NOR,not-a-mark,,,test,\n", encoding="utf-8")
    with pytest.raises(ImportFailed):
        await import_file(core.store, bad)
    assert feed(db_copy) == after_json
