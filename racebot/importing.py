"""`racebot import`: files in the interchange format, the Diamond League archive or Tilastopaja's
athletes' histories, one unit of work each."""
from __future__ import annotations

import gzip
import json
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

from bot.announce.diff import record_corrections
from bot.backend import Store
from bot.errors import ImportFailed
from bot.ingest.dl_archive import read_meeting
from bot.ingest.importer import ImportReport, Planned, plan_rows
from bot.ingest.interchange import read_json
from bot.ingest.streaming import PreparedCsv, prepare_csv
from bot.ingest.tilastopaja import read_histories
from racebot.bundled import ARCHIVE_SOURCE, HISTORIES_SOURCE, meetings_info
from racebot.tuning import no_gc_pauses, quick_handovers

_ARCHIVE_NAME = "[0-9][0-9][0-9][0-9]_*.json"
REPLANS = 3  # plans made again when another writer got in first, before giving up
_HISTORIES = (".jsonl", ".jsonl.gz")


def detect(path: Path) -> str:
    if path.name.lower().endswith(_HISTORIES):  # one athlete per line is how Tilastopaja's histories come
        return "tilastopaja"
    if path.suffix.lower() == ".csv":
        return "csv"
    if path.suffix.lower() == ".json":
        if path.match(_ARCHIVE_NAME):
            return "dl-archive"
        return "json"
    raise ImportFailed(str(path), 0, "unknown file type: use .csv, .json or .jsonl.gz, or --format")


def expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if (f.suffix.lower() in (".csv", ".json")
                                                       or f.name.lower().endswith(_HISTORIES))
                            and f.name not in ("meetingIds.json", "disciplines.json"))
        elif p.exists():
            files.append(p)
        else:
            raise ImportFailed(str(p), 0, "no such file or directory")
    return files


async def import_file(store: Store, path: Path, fmt: str | None = None, *,
                      corrections_at: datetime | None = None) -> ImportReport:
    """One file, one unit of work. `corrections_at`: the file is history, not news: in the same
    transaction its races are remembered as stored and changes to races a channel was shown are
    queued as corrections (bot.announce.diff.record_corrections), at that time.
    A file without a single result is refused too: it is an export gone wrong, not news."""
    fmt = fmt or detect(path)
    for _ in range(REPLANS):
        head = await store.change_head()
        try:
            report = await _import_file(store, path, fmt, head, corrections_at)
            break
        except _Replan:
            continue
    else:
        raise ImportFailed(str(path), 0, "the store kept changing under this import; try again")
    if report.rows == 0:
        raise ImportFailed(str(path), 0, "no rows: the file holds no results")
    return report


class _Replan(Exception):
    pass


async def _import_file(store: Store, path: Path, fmt: str, head: int, corrections_at: datetime | None) -> ImportReport:
    # a quarter of a million history rows held at once: the cyclic GC would rescan them all
    with no_gc_pauses() if fmt == "tilastopaja" else nullcontext():
        try:
            planned = await _plan(store, path, fmt)
            async with store.write(bulk=fmt == "csv") as tx:
                # The plan (who is new, which races exist) was made before the write lock was ours,
                # and this may have waited minutes for another import. Had that one added the same
                # athlete, the plan would add them a second time: so the change feed's head is
                # compared with the plan's, and a moved head plans again.
                if await store.change_head() != head:
                    raise _Replan()
                report = await planned.write(tx)
                if corrections_at is not None:
                    await record_corrections(tx, corrections_at)
            return report
        except UnicodeDecodeError:
            raise _utf8_error(path) from None


def _utf8_error(path: Path) -> ImportFailed:
    """Name the line of the first byte that is not UTF-8 (read again: this is the error path)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ImportFailed(str(path), raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text")
    return ImportFailed(str(path), 0, "not UTF-8 text")


async def _plan(store: Store, path: Path, fmt: str) -> Planned | PreparedCsv:
    if fmt == "csv":
        # Streamed: a million-row file is read, resolved and written in chunks (bot.ingest.streaming).
        return await prepare_csv(store, lambda: path.open(encoding="utf-8-sig"), str(path),
                                 cpu_bound=no_gc_pauses, overlapped=quick_handovers)
    if fmt == "tilastopaja":
        read = _read_histories(path)
        return await plan_rows(store, read.rows, str(path), strict=False, bests=read.bests)
    text = path.read_text("utf-8")
    if fmt == "json":
        rows = read_json(text, str(path))
        strict = True
    else:
        try:
            content = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed(str(path), exc.lineno, f"not valid JSON: {exc.msg}") from None
        try:
            rows = read_meeting(path.stem, content, meetings_info(), ARCHIVE_SOURCE)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:  # valid JSON, not the archive's shape
            raise ImportFailed(str(path), 0, f"not a Diamond League archive file ({type(exc).__name__}: {exc})") \
                from None
        strict = False
    return await plan_rows(store, rows, str(path), strict=strict, cpu_bound=no_gc_pauses)


def _read_histories(path: Path):
    """Gzipped or plain JSON lines, one athlete each. (Imported with strict=False, as the archive
    is: a career's oldest marks, hand times from the 1990s, are kept as printed, not refused.)"""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as lines:
            return read_histories(lines, str(path), HISTORIES_SOURCE)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise ImportFailed(str(path), 0, f"not gzipped UTF-8 JSON lines ({exc.__class__.__name__})") from None
