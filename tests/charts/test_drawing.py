"""The drawings, held against the data they were drawn from: the PNG decodes at its size, every
point sits where the reply's --json says, and the pixels there carry its colour (won, lost).
Drawn in the test's process (racebot.charts.draw is what the worker runs)."""
from __future__ import annotations

import io
from datetime import date

import pytest

from bot.commands.registry import Context
from bot.replies import thawed

PIL = pytest.importorskip("PIL.Image")
draw_module = pytest.importorskip("racebot.charts.draw")
CTX = Context(user_id="t", charts=True)  # as a chat platform with a drawer, or --json, asks


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def near(image, x: float, y: float, colour: tuple[int, int, int], radius: int) -> bool:
    """Some pixel within `radius` of (x, y) has `colour` (anti-aliasing blurs only the edges)."""
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            px = image.getpixel((int(round(x)) + dx, int(round(y)) + dy))[:3]
            if sum(abs(a - b) for a, b in zip(px, colour)) < 40:
                return True
    return False


def decoded(png: bytes):
    image = PIL.open(io.BytesIO(png))
    image.load()  # a truncated or corrupt PNG fails here
    assert image.format == "PNG" and image.size == (800, 450)
    return image.convert("RGB")


async def test_rivalry_png_plots_every_mark_of_the_json_where_it_says(shared_core):
    reply = await shared_core.handle_text("/h2h Ingebrigtsen Cheruiyot", CTX)
    spec = thawed(reply.data)["chart"]
    png, meta = draw_module.draw("rivalry", spec)
    image = decoded(png)
    assert 10_000 < len(png) < 500_000 and meta["size"] == [800, 450]
    assert len(meta["points"]) == len(spec["points"])
    checked = 0
    for p, (x, y, px, py) in zip(spec["points"], meta["points"]):
        assert (x, y) == (draw_module.mdates.date2num(date.fromisoformat(p["date"])), p["value"])
        assert 0 <= px < 800 and 0 <= py < 450
        crowded = any(q is not p and abs(qx - px) < 12 and abs(qy - py) < 12
                      for q, (_, _, qx, qy) in zip(spec["points"], meta["points"]))
        if crowded:  # another mark drawn over this one: its colour is not this point's to show
            continue
        colour = rgb(draw_module.SIDE_COLOURS[p["side"]])
        if p["outcome"] == "lost":  # a ring in the athlete's colour around white
            assert near(image, px, py, (255, 255, 255), 1) and near(image, px, py, colour, 6), p
        else:
            assert near(image, px, py, colour, 1), p
        checked += 1
    assert checked >= len(spec["points"]) // 3  # the rest are crowded in 2019-2021
    # faster is higher: the quickest mark is drawn above the slowest
    fastest = min(range(len(spec["points"])), key=lambda i: spec["points"][i]["value"])
    slowest = max(range(len(spec["points"])), key=lambda i: spec["points"][i]["value"])
    assert meta["points"][fastest][3] < meta["points"][slowest][3]


async def test_gaps_png_draws_a_bar_per_finisher_as_long_as_its_gap(shared_core):
    reply = await shared_core.handle_text("/results oslo 2024 1500m men", CTX)
    spec = thawed(reply.data)["chart"]
    png, meta = draw_module.draw("gaps", spec)
    image = decoded(png)
    bar = rgb(draw_module.BAR)
    zero = meta["points"][0][2]  # the winner's bar starts and ends at the axis
    for p, (gap, row, px, py) in zip(spec["points"], meta["points"]):
        assert gap == p["gap"]
        if gap > 0.2:  # long enough to have a middle
            assert near(image, (zero + px) / 2, py, bar, 1), p
            assert not near(image, px + 6, py, bar, 0)  # and it ends where its gap does
    lengths = [px - zero for _, _, px, _ in meta["points"]]
    assert lengths == sorted(lengths) and lengths[-1] > 400  # the slowest bar spans most of the width


def test_a_drawing_of_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        draw_module.draw("pie", {})


def test_axis_marks_read_as_athletics_prints_them():
    assert draw_module.mark_text(209.5, False) == "3:29.5"
    assert draw_module.mark_text(9.58, False) == "9.58"
    assert draw_module.mark_text(8.95, True) == "8.95"


def test_text_from_data_prints_as_typed_never_as_mathtext():
    spec = {"title": "$x$ Meeting", "unit": "s", "points": [
        {"place": 1, "athlete": r"$\frac{1}{2}$ Smith", "country": "", "mark": "9.90", "gap": 0.0},
        {"place": 2, "athlete": "A$ Jones", "country": "", "mark": "10.00", "gap": 0.1}]}
    png, meta = draw_module.draw("gaps", spec)  # a stray "$" used to fail the drawing
    assert png.startswith(b"\x89PNG") and meta["size"] == [800, 450]
    assert draw_module.mark_text(7530.0, False) == "2:05:30"  # a marathon in hours


def test_a_table_is_drawn_line_for_line_within_its_size():
    from racebot.charts import table

    lines = ["Date        Competition", "-" * 23] + [f"2024-05-{i:02d}  Bislett Games" for i in range(1, 31)]
    png, meta = draw_module.draw("table", {"title": "Kerr v Ingebrigtsen", "lines": lines, "header": 2,
                                           "footer": "World Athletics"})
    image = PIL.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and list(image.size) == meta["size"] and meta["lines"] == 30
    assert image.size[1] > 30 * table.LINE  # a line for every row
    tall, meta = draw_module.draw("table", {"title": "", "lines": lines[:2] + lines[2:] * 20, "header": 2})
    assert meta["lines"] == table.MAX_LINES and meta["cut"] == 600 - table.MAX_LINES  # and says what it left out
