"""A CSV interchange file read in chunks of rows, each row with the line it ends on.

A million-row file is never held whole: the importer keeps only what each row resolves to.
Line numbers are what csv.reader counts (the last line of a record), as error messages give them.

While the text has no quote character, every line is one record and its fields are the text
between commas, exactly as csv.reader reads them, and str.split is twice as fast: blocks are
split so. From the first block with a quote on, csv.reader reads the rest, strictly: a quote left
open at the end of the file is an error, not a field running to the end. (The file is read with
universal newlines, so every line ends in a bare newline, but for the last when the file does not
end in one: that line is a record too, imported or refused, never dropped.)
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from itertools import chain, islice
from operator import methodcaller
from typing import TYPE_CHECKING, Iterator, Sequence, TextIO

from bot.errors import ImportFailed
from bot.ingest.interchange import check_header, malformed

if TYPE_CHECKING:  # csv.reader's type, named only in the stubs
    from _csv import Reader

# Small enough that a chunk's rows are still in the CPU cache when resolved: a block of text is
# about 2,000 rows of a typical file, and is one chunk.
CHUNK_ROWS = 4096
BLOCK_CHARS = 1 << 18
_SPLIT = methodcaller("split", ",")


@dataclass
class Chunk:
    rows: list[list[str]]  # every one as wide as the header
    lines: Sequence[int]  # the line each row ends on
    error: ImportFailed | None = None  # a malformed record right after `rows`: raise it once they pass


class CsvChunks:
    """Iterate over `text` (a file opened with universal newlines): the header, then chunks."""

    def __init__(self, text: TextIO, path: str, size: int | None = None) -> None:
        self.path = path
        self.size = size or CHUNK_ROWS
        self._text = text
        self._reader = csv.reader(text)
        first = next(self._reader, [])
        if first:
            first[0] = first[0].lstrip("\ufeff")
        self.header = [h.strip().lower() for h in first]
        check_header(self.header, path)
        self._line = self._reader.line_num

    def __iter__(self) -> Iterator[Chunk]:
        width = len(self.header)
        text = self._text
        while block := text.read(BLOCK_CHARS):
            if not block.endswith("\n"):
                block += text.readline()
            if '"' in block:
                yield from self._csv(csv.reader(chain(io.StringIO(block), text), strict=True), width)
                return
            lines = block.split("\n")
            if block.endswith("\n"):
                lines.pop()  # after the last newline
            rows = list(map(_SPLIT, lines))
            start, self._line = self._line, self._line + len(rows)
            for at in range(0, len(rows), self.size):
                part = rows[at:at + self.size]
                if set(map(len, part)) == {width}:
                    yield Chunk(part, range(start + at + 1, start + at + len(part) + 1))
                else:
                    yield self._irregular(part, [start + at + n for n in range(1, len(part) + 1)], width, [""])

    def _csv(self, reader: Reader, width: int) -> Iterator[Chunk]:
        """The rest of the file, where quoted fields may hold commas and line breaks."""
        offset = last = self._line
        while True:
            rows, lines = [], []
            error = None
            try:
                for values in islice(reader, self.size):
                    rows.append(values)
                    last = offset + reader.line_num
                    lines.append(last)
            except csv.Error as exc:  # in the record after the last one read, which starts on the next line
                error = malformed(self.path, last + 1, exc)
            if not rows and error is None:
                return
            chunk = self._irregular(rows, lines, width, [])
            if chunk.error is None:
                chunk.error = error
            yield chunk
            if chunk.error is not None:
                return

    def _irregular(self, rows: list[list[str]], lines: list[int], width: int, blank: list[str]) -> Chunk:
        """Drop blank lines (csv.reader reads one as [], str.split as ['']); stop at a record of the
        wrong width."""
        if set(map(len, rows)) == {width}:
            return Chunk(rows, lines)
        kept: list[list[str]] = []
        kept_lines: list[int] = []
        for values, line in zip(rows, lines):
            if values == blank:
                continue
            if len(values) != width:
                return Chunk(kept, kept_lines, _wrong_width(self.path, values, line, width))
            kept.append(values)
            kept_lines.append(line)
        return Chunk(kept, kept_lines)


def _wrong_width(path: str, values: list[str], line: int, width: int) -> ImportFailed:
    """A record of the wrong width; one whose fields swallowed line breaks began with a quote
    that never closed, so name the line where it opened, not the one where the file ran out."""
    swallowed = sum(v.count("\n") for v in values)
    if values and values[-1].endswith("\n"):
        swallowed -= 1  # the quote ran to the end of the file, taking the last line's own break
    if swallowed > 0:
        return ImportFailed(path, line - swallowed, f"a quote opened on this line is never closed "
                                                    f"(the record runs to line {line})")
    return ImportFailed(path, line, f"expected {width} fields, found {len(values)}")
