"""The real results shipped inside the package, loaded into a new store on first run."""
from __future__ import annotations

import gzip
import json
import logging
import time
from typing import TYPE_CHECKING, Any, Iterator, Protocol

from bot.store import Meta, Writes
from racebot.tuning import no_gc_pauses

if TYPE_CHECKING:
    from bot.ingest.tilastopaja import Histories

# The importers are imported where they are used: a store that holds this bundle already (every
# start but an install's first) never runs them, and a one-shot command need not load them.

log = logging.getLogger(__name__)

# Bump when the bundled files change, so existing stores pick up the new data.
BUNDLE_VERSION = "2026-12-03.4"
ARCHIVE = "dl-archive-2010-2022.jsonl.gz"
ARCHIVE_SOURCE = "Diamond League results archive (dl.all-athletics.com), via github.com/hpr/diamond-league-results"
HISTORIES = "tilastopaja-histories-2024.jsonl.gz"
HISTORIES_SOURCE = ("Tilastopaja race histories (tilastopaja.info), via github.com/captainrobbo/trhackathon "
                    "(Apache-2.0)")


class BundleStore(Writes, Meta, Protocol):
    """What loading the bundle needs of a store: either backend's, PostgreSQL's before its outbox delivery."""


def _data(name: str):
    from importlib import resources  # here: it imports zipfile and tempfile, which most starts never need

    return resources.files("racebot") / "data" / name


def meetings_info() -> dict:
    return json.loads(_data("dl-meetings.json").read_text("utf-8"))


def archive_meetings() -> Iterator[tuple[str, dict[str, Any]]]:
    """(stem, meeting file) in date order. One meeting per line, so nothing holds the whole
    archive as objects: parsed at once it took 50 MB, more than the bot's own indexes at scale."""
    with gzip.open(_data(ARCHIVE), "rt", encoding="utf-8") as lines:
        for line in lines:
            ((stem, content),) = json.loads(line).items()
            yield stem, content


def archive_stems() -> list[str]:
    with gzip.open(_data(ARCHIVE), "rt", encoding="utf-8") as lines:
        return [line[2:line.index('"', 2)] for line in lines]


def archive_meeting(stem: str) -> dict[str, Any]:
    prefix = f'{{"{stem}":'  # the lines are compact JSON: {"2022_36":{...}}
    with gzip.open(_data(ARCHIVE), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(prefix):
                return json.loads(line)[stem]
    raise KeyError(stem)


def archive_rows() -> list:
    from bot.ingest.dl_archive import read_meeting

    meetings = meetings_info()
    rows = []
    for stem, content in archive_meetings():
        rows += read_meeting(stem, content, meetings, ARCHIVE_SOURCE)
    return rows


def histories() -> Histories:
    """The careers of the Rome 2024 European Championships entrants, as of June 2024."""
    from bot.ingest.tilastopaja import read_histories

    with gzip.open(_data(HISTORIES), "rt", encoding="utf-8") as lines:
        return read_histories(lines, f"bundled {HISTORIES}", HISTORIES_SOURCE)


async def ensure_bundled(store: BundleStore) -> bool:
    """Load the bundled data unless this store already holds this version of it."""
    if await store.get_meta("bundle_version") == BUNDLE_VERSION:
        return False
    started = time.perf_counter()
    await load_results(store)
    # After the seed, so the races it names keep the names fans know ("Prefontaine Classic", not
    # the histories' "Pre Classic Eugene OR"); precedence still puts the histories' marks first.
    await load_histories(store)
    await store.set_meta("bundle_version", BUNDLE_VERSION)
    log.info("bundled data loaded in %.1f s", time.perf_counter() - started)
    return True


async def load_results(store: BundleStore) -> None:
    """The Diamond League archive and the seed article's results."""
    from bot.domain.precedence import SEED
    from bot.ingest.importer import import_rows
    from bot.ingest.interchange import read_csv

    report = await import_rows(store, archive_rows(), "bundled Diamond League archive", strict=False,
                               cpu_bound=no_gc_pauses)
    log.info("%s", report.describe())
    seed = read_csv(_data("seed-article.csv").read_text("utf-8"), "bundled seed-article.csv")
    for row in seed:
        row.origin = SEED
    log.info("%s", (await import_rows(store, seed, "bundled seed-article.csv", cpu_bound=no_gc_pauses)).describe())


async def load_histories(store: BundleStore) -> None:
    from bot.ingest.importer import import_rows

    with no_gc_pauses():  # a quarter of a million rows held at once: the cyclic GC would rescan them all
        careers = histories()
        report = await import_rows(store, careers.rows, f"bundled {HISTORIES}", strict=False, bests=careers.bests,
                                   cpu_bound=no_gc_pauses)
    log.info("%s", report.describe())
