"""A table drawn as the console prints it: monospace lines, the header in bold over a rule, rows
in light grey bands so the eye keeps its row across a wide table (Pillow, with matplotlib's own DejaVu
Sans Mono: no font to install). Runs in the chart worker only.

Chat apps shrink a wide picture to the screen and let the reader zoom, where a wide code block
wraps each row into pieces: the picture keeps every column of a row on one line.
"""
from __future__ import annotations

import io
import textwrap
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT_PX = 16
TITLE_PX = 18
SMALL_PX = 13
PAD = 16  # around the table, in pixels
LINE = 22  # a row's height
MAX_LINES = 300  # a table taller than this is cut, and says how many rows it left out
# Greys only: drawn in one channel ("L"), the PNG is half the bytes of RGB and quicker to encode.
INK, GREY, BAND, RULE = 33, 110, 243, 180


@lru_cache(maxsize=None)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    # Found beside matplotlib, not through it: a table needs none of matplotlib's import (a quarter second).
    spec = find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    return ImageFont.truetype(str(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / name), size)


def draw_table(spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """PNG bytes, and {"size": [w, h], "points": [], "lines": rows drawn, "cut": rows left out}."""
    lines: list[str] = list(spec["lines"])
    header = int(spec.get("header", 2))
    head, rule, rows = lines[: header - 1], lines[header - 1: header], lines[header:]
    cut = max(len(rows) - MAX_LINES, 0)
    rows = rows[:MAX_LINES]
    body, bold = _font(False, FONT_PX), _font(True, FONT_PX)
    title, small = _font(True, TITLE_PX), _font(False, SMALL_PX)
    # The table sets the width (at least a phone's worth): the title and notes wrap within it, so a
    # long footer never widens the picture and shrinks the table on a phone's screen.
    room = max(max([len(x) for x in lines] or [1]) * body.getlength("M"), 40 * body.getlength("M"))
    notes = [f"{cut} more rows not drawn: narrow the question down."] if cut else []
    notes += [spec["footer"]] if spec.get("footer") else []
    notes = [part for note in notes for part in textwrap.wrap(note, int(room // small.getlength("M")))]
    heads = textwrap.wrap(spec.get("title", ""), int(room // title.getlength("M")))
    width = int(room) + 2 * PAD
    top = PAD + len(heads) * (TITLE_PX + 6) + (8 if heads else 0)
    height = top + LINE * (len(head) + len(rows)) + 9 + (len(notes) * (SMALL_PX + 6) + 8 if notes else 0) + PAD
    image = Image.new("L", (width, height), 255)
    pen = ImageDraw.Draw(image)
    for i, text in enumerate(heads):
        pen.text((PAD, PAD + i * (TITLE_PX + 6)), text, font=title, fill=INK)
    y = top
    for text in head:
        pen.text((PAD, y + 3), text, font=bold, fill=INK)
        y += LINE
    if rule:  # the console's row of dashes, drawn as a line
        pen.line([(PAD, y + 3), (width - PAD, y + 3)], fill=RULE, width=1)
        y += 9
    for i, text in enumerate(rows):
        if i % 2:
            pen.rectangle([(PAD // 2, y), (width - PAD // 2, y + LINE - 1)], fill=BAND)
        pen.text((PAD, y + 3), text, font=body, fill=INK)
        y += LINE
    y += 8
    for note in notes:
        pen.text((PAD, y), note, font=small, fill=GREY)
        y += SMALL_PX + 6
    out = io.BytesIO()
    image.save(out, format="png", optimize=False, compress_level=6)
    return out.getvalue(), {"size": [width, height], "points": [], "lines": len(rows), "cut": cut}
