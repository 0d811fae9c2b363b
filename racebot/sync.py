"""`racebot sync`: fill the store from World Athletics, with a progress bar; safe to interrupt and rerun.

Each competition's results are stored in one transaction together with the record of what was
fetched (bot/sources/worldathletics/monitored.py), so a rerun after Ctrl-C, a crash or an API
outage asks only for what is not stored yet, and settled days are never asked again.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot.domain.periods import FIRST_YEAR, LAST_YEAR
from bot.search.names import fold
from bot.h2h.prose import counted
from racebot.config import Config

if TYPE_CHECKING:  # the source loads httpx and tenacity: only `racebot sync` itself pays for them
    from bot.ingest.importer import ImportReport
    from bot.sources.worldathletics import CalendarEntry, WorldAthleticsSource

LEASE = timedelta(minutes=10)  # renewed after every competition; lapses by itself if we die
LEASE_TRIES, LEASE_PAUSE = 30, 2.0  # a running bot holds the source only while one poll lasts
SERIES = ("diamond-league", "world-championships", "world-indoor-championships", "olympic-games")


def add_parser(sub) -> None:
    p = sub.add_parser("sync", help="fill the store from World Athletics (safe to interrupt and rerun)")
    p.add_argument("--season", type=_season, help="that season's competitions (default: this year)")
    p.add_argument("--series", action="append", metavar="SERIES",
                   help=f"only this series: {', '.join(SERIES)} (repeatable; "
                        "default: the series in [sources.worldathletics])")
    p.add_argument("--competition", type=int, action="append", metavar="ID",
                   help="a World Athletics competition id, whatever its series or season (repeatable)")


def _season(text: str) -> int:
    """A year with results: argparse says what is wrong in one line, where date() raised."""
    if not re.fullmatch(r"[0-9]{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"'{text}' is not a season between {FIRST_YEAR} and {LAST_YEAR}")
    return int(text)


def slug(series: str) -> str:
    return "-".join(fold(series).split())


@dataclass
class Totals:
    checked: int = 0
    changed: int = 0  # competitions with new or changed results
    added: int = 0
    updated: int = 0

    def add(self, report: "ImportReport | None") -> None:
        self.checked += 1
        if report and (report.summary.results_added or report.summary.results_changed):
            self.changed += 1
            self.added += report.summary.results_added
            self.updated += report.summary.results_changed


def _say(message: str) -> None:
    print(f"racebot sync: {message}", file=sys.stderr)


async def sync(cfg: Config, args, *, now: datetime | None = None) -> int:
    from bot.sources.worldathletics import WorldAthleticsSource
    from racebot.bundled import ensure_bundled
    from racebot.stores import open_store

    settings = cfg.file.sources.worldathletics.settings(cfg.env)  # checked by racebot.config.load
    known = {*SERIES, *map(slug, settings.series)}
    unknown = [s for s in args.series or () if slug(s) not in known]
    if unknown:
        _say(f"unknown series {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return 2
    now = now or datetime.now(timezone.utc)
    store = await open_store(cfg.store)
    try:
        await ensure_bundled(store)
        async with WorldAthleticsSource(settings, store) as source:
            holder = f"sync:{socket.gethostname()}:{os.getpid()}"
            if not await _lease(store, source.name, holder):
                _say("another racebot keeps polling World Athletics; try again in a few minutes")
                return 1
            try:
                return await _sync(source, store, args, now, holder)
            finally:
                await store.release_source(source.name, holder)
    except asyncio.CancelledError:
        _say("interrupted; everything stored so far is kept: run it again to continue")
        raise
    finally:
        await store.close()


async def _sync(source: "WorldAthleticsSource", store, args, now: datetime, holder: str) -> int:
    from bot.errors import ImportFailed
    from bot.ingest.fixtures import import_calendar
    from bot.sources.worldathletics import WAError
    from bot.sources.worldathletics.monitored import CALENDAR_PATH, store_batch
    from racebot.tuning import no_gc_pauses

    try:
        entries = await _choose(source, args, now.date())
    except (WAError, LookupError) as exc:
        _say(f"could not find what to sync: {exc}")
        return 1
    added = await import_calendar(store, [e for e in entries if not e.cancelled], CALENDAR_PATH)
    due = [e for e in entries if not e.cancelled and e.start <= now.date()]
    totals, errors = Totals(), []
    with _progress() as progress:
        task = progress.add_task("World Athletics", total=len(due))
        index = 0
        async for batch in source.backfill(due, now):
            entry, index = due[index], index + 1
            progress.update(task, description=f"{entry.name} {entry.start.year}")
            try:
                # A backfill is not news: remember the races so a later poll reports only corrections.
                totals.add(await store_batch(source, store, batch, f"World Athletics: {entry.name} {entry.start.year}",
                                             now, cpu_bound=no_gc_pauses))
            except ImportFailed as exc:
                errors.append(f"{entry.name} {entry.start.year}: results not stored ({exc.reason})")
            errors += batch.errors
            progress.advance(task)
            await store.lease_source(source.name, holder, _now(), _now() + LEASE)
        stopped = due[max(index - 1, 0)] if index < len(due) else None  # backfill stops when the API is down
    what = f"season {args.season or now.year}" if not args.competition else "competitions " + ", ".join(
        str(c) for c in dict.fromkeys(args.competition))
    print(f"World Athletics sync, {what}: {totals.checked} of {counted(len(due), 'competition')} checked, "
          f"{totals.changed} with new or changed results ({counted(totals.added, 'result')} added, {totals.updated} "
          f"changed); {counted(added, 'competition')} added from the calendar.")
    for error in errors:
        _say(error)
    if stopped is not None:
        _say(f"stopped at {stopped.name} {stopped.start.year}: World Athletics is unavailable.")
    if errors or stopped:
        _say("everything fetched is stored; run `racebot sync` again to fetch the rest.")
        return 1
    return 0


async def _lease(store, name: str, holder: str) -> bool:
    """The poll lease, so the running bot and this sync never import the same rows side by side."""
    for attempt in range(LEASE_TRIES):
        if await store.lease_source(name, holder, _now(), _now() + LEASE):
            return True
        if attempt == 0:
            _say("waiting for the running bot to finish its World Athletics poll...")
        await asyncio.sleep(LEASE_PAUSE)
    return False


async def _choose(source: "WorldAthleticsSource", args, today: date) -> "list[CalendarEntry]":
    if args.competition:
        return [await _competition(source, cid) for cid in dict.fromkeys(args.competition)]
    season = args.season or today.year
    entries = await source.calendar(date(season, 1, 1), date(season, 12, 31))
    if args.series:
        wanted = {slug(s) for s in args.series}
        chosen = [e for e in entries if e.series and slug(e.series) in wanted and not e.cancelled]
    else:
        chosen = [e for e in entries if source.follows(e)]
    return sorted((e for e in chosen if e.start.year == season), key=lambda e: (e.start, e.competition_id))


async def _competition(source: "WorldAthleticsSource", competition_id: int) -> "CalendarEntry":
    """A competition by id: its dates from its results page, its series from the calendar."""
    from bot.sources.worldathletics.mapping import entry_from_results

    page = await source.client.competition_results(competition_id)
    entry = entry_from_results(competition_id, page or {})
    if entry is None:
        raise LookupError(f"World Athletics has no competition {competition_id}")
    listed = {e.competition_id: e for e in await source.calendar(entry.start, entry.end)}
    return listed.get(competition_id, entry)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _progress():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # Competition names are data: markup=False, so a "[" in one is printed, not interpreted.
    return Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True))
