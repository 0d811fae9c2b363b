"""`racebot import`: files in the interchange format, the Diamond League archive or Tilastopaja's
athletes' histories, one transaction each."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from bot.errors import ImportFailed
from bot.ingest.dl_archive import read_meeting
from bot.ingest.importer import ImportReport, import_rows
from bot.ingest.interchange import read_json
from bot.ingest.streaming import import_csv
from bot.ingest.tilastopaja import read_histories
from bot.store import Store
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


async def import_file(store: Store, path: Path, fmt: str | None = None, *, after=None) -> ImportReport:
    """One file, one transaction; `after(race_ids)` runs inside it (the outbox's bookkeeping).
    A file without a single result is refused too: it is an export gone wrong, not news."""
    fmt = fmt or detect(path)
    for _ in range(REPLANS):
        head = await store.change_head()
        try:
            report = await _import_file(store, path, fmt, _unchanged_since(store, head, after))
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


def _unchanged_since(store: Store, head: int, after):
    """`after`, first making sure nobody wrote results since the plan was made.

    An import plans (who is new, which races exist) before it takes the write lock, and may
    then wait minutes for another import to finish. Had that one added the same athlete, the
    plan would add them a second time: so once inside the transaction, the change feed's head
    is compared with the plan's, and a moved head rolls everything back to plan again."""
    checked = False

    async def check(race_ids: list[int]) -> None:
        nonlocal checked
        if not checked:
            if await store.change_head() != head:
                raise _Replan()
            checked = True
        if after is not None:
            await after(race_ids)
    return check


def _utf8_error(path: Path) -> ImportFailed:
    """Name the line of the first byte that is not UTF-8 (read again: this is the error path)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ImportFailed(str(path), raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text")
    return ImportFailed(str(path), 0, "not UTF-8 text")


async def _import_file(store: Store, path: Path, fmt: str, after) -> ImportReport:
    if fmt == "csv":
        # Streamed: a million-row file is read, resolved and written in chunks (bot.ingest.streaming).
        try:
            return await import_csv(store, lambda: path.open(encoding="utf-8-sig"), str(path), after=after,
                                    cpu_bound=no_gc_pauses, overlapped=quick_handovers)
        except UnicodeDecodeError:
            raise _utf8_error(path) from None
    if fmt == "tilastopaja":
        with no_gc_pauses():  # a quarter of a million rows held at once: the cyclic GC rescans them all
            read = _read_histories(path)
            return await import_rows(store, read.rows, str(path), strict=False, after=after, bests=read.bests)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise _utf8_error(path) from None
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
    return await import_rows(store, rows, str(path), strict=strict, after=after, cpu_bound=no_gc_pauses)


def _read_histories(path: Path):
    """Gzipped or plain JSON lines, one athlete each. (Imported with strict=False, as the archive
    is: a career's oldest marks, hand times from the 1990s, are kept as printed, not refused.)"""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as lines:
            return read_histories(lines, str(path), HISTORIES_SOURCE)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise ImportFailed(str(path), 0, f"not gzipped UTF-8 JSON lines ({exc.__class__.__name__})") from None
