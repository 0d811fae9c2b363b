"""The replay for the embedded default: a bundled meeting, into a store of its own.

The replay store holds the bundled history before the meeting (so rivalry lines read as they
did that day) and is rebuilt from a cached template on every start, so each `racebot run`
replays the meeting afresh. The real store is never touched.
"""
from __future__ import annotations

import logging
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.ingest.dl_archive import meeting_info, read_meeting
from bot.ingest.importer import import_rows
from bot.ingest.interchange import read_csv
from bot.search.names import fold
from bot.sources.replay import ReplaySource
from racebot.bundled import (ARCHIVE_SOURCE, BUNDLE_VERSION, _data, archive_meeting, archive_rows,
                             archive_stems, meetings_info)
from racebot.sections import ReplaySection
from racebot.tuning import no_gc_pauses
from storage.sqlite import SqliteStore

log = logging.getLogger(__name__)


@dataclass
class Replay:
    store: SqliteStore
    source: ReplaySource
    label: str  # "Athletissima 2022"
    channels: list = field(default_factory=list)


def resolve_meeting(text: str, stems: list[str], meetings: dict) -> str:
    if text in stems:
        return text
    words = fold(text).split()
    years = {w for w in words if re.fullmatch(r"(19|20)\d\d", w)}
    words = [w for w in words if w not in years]
    for stem in sorted(stems, reverse=True):
        year, slot = stem.split("_", 1)
        info = meetings["slots"].get(slot, {})
        hay = fold(f"{info.get('name', '')} {info.get('venue', '')}")
        if (not years or year in years) and words and all(w in hay.split() for w in words):
            return stem
    raise ValueError(f"[replay] meeting '{text}' is not in the bundled archive")


async def _build_template(path: Path, key: str, before: date) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    started = time.perf_counter()
    store = await SqliteStore.open(path)
    try:
        history = [r for r in archive_rows() if r.date < before]
        await import_rows(store, history, "replay history", strict=False, cpu_bound=no_gc_pauses)
        seed = [r for r in read_csv(_data("seed-article.csv").read_text("utf-8"), "seed") if r.date < before]
        if seed:
            await import_rows(store, seed, "replay history (seed)", cpu_bound=no_gc_pauses)
        await store.set_meta("replay_base", key)
    finally:
        await store.close()
    log.info("replay history built in %.1f s", time.perf_counter() - started)


async def _template_key(path: Path) -> str | None:
    if not path.exists():
        return None
    store = await SqliteStore.open(path)
    try:
        return await store.get_meta("replay_base")
    finally:
        await store.close()


def replay_db_path(settings: ReplaySection, main_db: Path) -> Path:
    return Path(settings.db_path).expanduser() if settings.db_path else main_db.with_name(f"{main_db.stem}-replay.db")


async def open_replay(settings: ReplaySection, main_db: Path) -> Replay:
    meetings = meetings_info()
    stem = resolve_meeting(settings.meeting, archive_stems(), meetings)
    rows = read_meeting(stem, archive_meeting(stem), meetings, ARCHIVE_SOURCE)
    if not rows:
        raise ValueError(f"[replay] meeting {stem} has no results in the archive")
    day = min(r.date for r in rows)
    path = replay_db_path(settings, main_db)
    template = path.with_name(f"{path.stem}-base.db")
    key = f"{BUNDLE_VERSION}:{stem}"
    if await _template_key(template) != key:
        await _build_template(template, key, day)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(template, path)  # closed cleanly above: no WAL left beside it
    info = meeting_info(stem.split("_", 1)[1], day.year, day, meetings)
    source = ReplaySource(rows, first_after_seconds=settings.first_after_seconds,
                          interval_seconds=settings.interval_seconds)
    return Replay(await SqliteStore.open(path), source, f"{info['name']} {day.year}")
