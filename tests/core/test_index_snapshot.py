"""The indexes saved beside the store answer the next start, and only when nothing changed since."""
from __future__ import annotations

import logging
import shutil

import pytest

from bot.commands.registry import Context
from bot.indexes import Indexes
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


def held(ix: Indexes) -> dict:
    """Everything the indexes hold, in a canonical form (as tests/core/test_incremental_indexes.py)."""
    return {"athletes": ix.athletes.dump(), "competitions": ix.competitions.dump(), "meetings": ix.meetings.dump(),
            "events": ix.events, "today": ix.today, "newest": ix.newest}


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


async def test_a_write_since_is_not_answered_from_the_saved_indexes_alone(results_only_copy, tmp_path, caplog):
    await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    core = await open_core(results_only_copy, bundled=False)
    try:
        csv = tmp_path / "newcomer.csv"
        csv.write_text(NEWCOMER)
        await import_file(core.store, csv)
    finally:
        await core.store.close()
    reply, used = await h2h(results_only_copy, "/h2h Quarrington Pennefather", caplog)
    assert "changes since it was saved" in caplog.text
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


async def test_one_question_reads_only_the_parts_it_needs_and_answers_alike(results_only_copy, caplog):
    """A one-shot process maps the snapshot and reads a part on first use: /h2h never reads the
    competitions; /results reads them then; every answer is the one a full load gives."""
    questions = ("/h2h Kerr Ingebrigtsen", "/h2h ingebritsen kerr", "/results oslo 2024 1500m men")
    eager = {}
    core = await open_core(results_only_copy, bundled=False)  # builds and saves
    try:
        for text in questions:
            eager[text] = await core.handle_text(text, Context())
    finally:
        await core.store.close()
    core = await open_core(results_only_copy, bundled=False, one_question=True)
    try:
        assert set(core.indexes._pending) == {"athletes", "meetings", "competitions"}
        lazy = await core.handle_text(questions[0], Context())
        assert set(core.indexes._pending) == {"competitions"}
        for text in questions[1:]:
            reply = await core.handle_text(text, Context())
            assert reply.plain_text() == eager[text].plain_text() and reply.data == eager[text].data
        assert not core.indexes._pending
    finally:
        await core.store.close()
    assert lazy.plain_text() == eager[questions[0]].plain_text() and lazy.data == eager[questions[0]].data


async def test_a_part_read_late_comes_from_the_file_as_it_was_opened(results_only_copy, tmp_path, caplog):
    """The snapshot is replaced whole (renamed into place), so a process that mapped it keeps
    reading the indexes of the store as it stood when its question began."""
    await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    before = index_snapshot.path_for(results_only_copy).read_bytes()
    core = await open_core(results_only_copy, bundled=False, one_question=True)
    try:
        other = tmp_path / "other.indexes"
        other.write_bytes(b"not a snapshot")
        other.replace(index_snapshot.path_for(results_only_copy))  # how a later snapshot is saved
        reply = await core.handle_text("/h2h Kerr Ingebrigtsen", Context())
        assert reply.data["a"]["name"] == "Josh Kerr", reply.plain_text()
    finally:
        await core.store.close()
    assert before and index_snapshot.path_for(results_only_copy).read_bytes() == b"not a snapshot"


async def test_writes_since_the_snapshot_are_applied_to_it_not_rebuilt(results_only_copy, tmp_path, caplog):
    """A restart after an import (or a day of live polls) starts from the saved indexes and the
    change feed since: the same answers as a build, and the snapshot saved anew at the new head."""
    await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    core = await open_core(results_only_copy, bundled=False)
    try:
        csv = tmp_path / "newcomer.csv"
        csv.write_text(NEWCOMER)
        await import_file(core.store, csv)
    finally:
        await core.store.close()
    for one_question in (True, False):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="racebot.app"):
            core = await open_core(results_only_copy, bundled=False, one_question=one_question)
        try:
            assert "changes since it was saved" in caplog.text
            reply = await core.handle_text("/h2h Quarrington Pennefather", Context())
            assert reply.data["wins"]["a"] == 1, reply.plain_text()
            fresh = Indexes()
            await fresh.load(core.store)
            assert held(fresh) == held(core.indexes)
        finally:
            await core.store.close()
    _, used = await h2h(results_only_copy, "/h2h Kerr Ingebrigtsen", caplog)
    assert used  # the second start above saved them at the new head
