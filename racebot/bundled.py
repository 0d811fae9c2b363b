"""The real results shipped inside the package, loaded into a new store on first run."""
from __future__ import annotations

import gzip
import json
import logging
import time
from importlib import resources

from bot.ingest.dl_archive import read_meeting
from bot.ingest.importer import import_rows
from bot.ingest.interchange import read_csv
from bot.store import Store

log = logging.getLogger(__name__)

# Bump when the bundled files change, so existing stores pick up the new data.
BUNDLE_VERSION = "2026-11-25.1"
ARCHIVE_SOURCE = "Diamond League results archive (dl.all-athletics.com), via github.com/hpr/diamond-league-results"


def _data(name: str):
    return resources.files("racebot") / "data" / name


def meetings_info() -> dict:
    return json.loads(_data("dl-meetings.json").read_text("utf-8"))


def archive_rows() -> list:
    meetings = meetings_info()
    archive = json.loads(gzip.decompress(_data("dl-archive-2010-2022.json.gz").read_bytes()))
    rows = []
    for stem in sorted(archive, key=lambda s: (int(s.split("_")[0]), int(s.split("_")[1]))):
        rows += read_meeting(stem, archive[stem], meetings, ARCHIVE_SOURCE)
    return rows


async def ensure_bundled(store: Store) -> bool:
    """Load the bundled data unless this store already holds this version of it."""
    if await store.get_meta("bundle_version") == BUNDLE_VERSION:
        return False
    started = time.perf_counter()
    report = await import_rows(store, archive_rows(), "bundled Diamond League archive", strict=False)
    log.info("%s", report.describe())
    seed = read_csv(_data("seed-article.csv").read_text("utf-8"), "bundled seed-article.csv")
    log.info("%s", (await import_rows(store, seed, "bundled seed-article.csv")).describe())
    await store.set_meta("bundle_version", BUNDLE_VERSION)
    log.info("bundled data loaded in %.1f s", time.perf_counter() - started)
    return True
