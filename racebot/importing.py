"""`racebot import`: files in the interchange format, the Diamond League archive or Tilastopaja's
athletes' histories, one transaction each."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from bot.errors import ImportFailed
from bot.ingest.dl_archive import read_meeting
from bot.ingest.importer import ImportReport, import_rows, no_gc_pauses
from bot.ingest.interchange import read_json
from bot.ingest.streaming import import_csv
from bot.ingest.tilastopaja import read_histories
from bot.store import Store
from racebot.bundled import ARCHIVE_SOURCE, meetings_info

_ARCHIVE_NAME = "[0-9][0-9][0-9][0-9]_*.json"
_HISTORIES = (".jsonl", ".jsonl.gz")
HISTORIES_SOURCE = ("Tilastopaja race histories (tilastopaja.info), via github.com/captainrobbo/trhackathon "
                    "(Apache-2.0)")


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
    """One file, one transaction; `after(race_ids)` runs inside it (the outbox's bookkeeping)."""
    fmt = fmt or detect(path)
    if fmt == "csv":
        # Streamed: a million-row file is read, resolved and written in chunks (bot.ingest.streaming).
        try:
            return await import_csv(store, lambda: path.open(encoding="utf-8-sig"), str(path), after=after)
        except UnicodeDecodeError:
            raise ImportFailed(str(path), 0, "not UTF-8 text") from None
    if fmt == "tilastopaja":
        with no_gc_pauses():  # a quarter of a million rows held at once: the cyclic GC rescans them all
            read = _read_histories(path)
            return await import_rows(store, read.rows, str(path), strict=False, after=after, bests=read.bests)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise ImportFailed(str(path), 0, "not UTF-8 text") from None
    if fmt == "json":
        rows = read_json(text, str(path))
        strict = True
    else:
        try:
            content = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed(str(path), exc.lineno, f"not valid JSON: {exc.msg}") from None
        rows = read_meeting(path.stem, content, meetings_info(), ARCHIVE_SOURCE)
        strict = False
    return await import_rows(store, rows, str(path), strict=strict, after=after)


def _read_histories(path: Path):
    """Gzipped or plain JSON lines, one athlete each. (Imported with strict=False, as the archive
    is: a career's oldest marks, hand times from the 1990s, are kept as printed, not refused.)"""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as lines:
            return read_histories(lines, str(path), HISTORIES_SOURCE)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise ImportFailed(str(path), 0, f"not gzipped UTF-8 JSON lines ({exc.__class__.__name__})") from None
