"""The indexes saved beside the store answer the next start, and only when nothing changed since."""
from __future__ import annotations

import logging
import shutil

import pytest

from bot.commands.registry import Context
from racebot import index_snapshot
from racebot.app import open_core
from racebot.importing import import_file

NEWCOMER = ("date,competition,venue,series,event,gender,round,race,place,athlete,country,mark\n"
            "2024-07-01,Snapshot Meet,Turku,,1500m,M,final,,1,Zebulon Quarrington,FIN,3:40.00\n"
            "2024-07-01,Snapshot Meet,Turku,,1500m,M,final,,2,Yorick Pennefather,FIN,3:41.00\n")


@pytest.fixture
def results_only_copy(results_only_db, tmp_path):
    """The store file alone: the copies other tests get carry its saved indexes (cores.copy_store)."""
    target = tmp_path / "results-only.db"
    shutil.copyfile(results_only_db, target)
    return target


async def h2h(path, text, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="racebot.app"):
        core = await open_core(path, bundled=False)
        try:
            reply = await core.handle_text(text, Context())
        finally:
            await core.store.close()
    return reply, "indexes from the snapshot" in caplog.text


async def test_a_second_start_answers_from_the_saved_indexes_alike(results_only_copy, caplog):
    built, used = await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    assert not used and index_snapshot.path_for(results_only_copy).is_file()
    again, used = await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    assert used
    assert again.plain_text() == built.plain_text() and again.data == built.data


async def test_a_write_since_makes_the_saved_indexes_stale(results_only_copy, tmp_path, caplog):
    await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    core = await open_core(results_only_copy, bundled=False)
    try:
        csv = tmp_path / "newcomer.csv"
        csv.write_text(NEWCOMER)
        await import_file(core.store, csv)
    finally:
        await core.store.close()
    reply, used = await h2h(results_only_copy, "/h2h Quarrington Pennefather", caplog)
    assert not used
    assert reply.data["wins"]["a"] == 1, reply.plain_text()


async def test_another_store_in_its_place_is_not_answered_from_them(results_only_copy, tmp_path, caplog):
    await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    other = tmp_path / "other.db"
    shutil.copyfile(results_only_copy, other)
    other.replace(results_only_copy)  # the same bytes, but another file: a restore, say
    _, used = await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    assert not used


async def test_a_damaged_snapshot_costs_a_build_and_a_warning(results_only_copy, caplog):
    await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    saved = index_snapshot.path_for(results_only_copy)
    saved.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    reply, used = await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    assert not used and reply.data["a"]["name"] == "Josh Kerr"
    assert "ignoring the saved indexes beside the store" in caplog.text
