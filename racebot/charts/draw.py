"""The drawings: a rivalry over time and a race's gaps to the winner (matplotlib, Agg); a table
(Pillow, racebot/charts/table.py).

Runs in the worker process only. Each drawing also answers where it put every point, in pixels
of the PNG and read back from what matplotlib plotted, so a test can hold the picture against
the reply's data.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")
# Names and competitions come from data: "$...$" must print as typed, not as mathtext (which would
# also let a stray "$" fail the drawing).
matplotlib.rcParams["text.parse_math"] = False
import matplotlib.dates as mdates  # noqa: E402  (after the backend is chosen)
from PIL import Image  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from matplotlib.transforms import ScaledTranslation  # noqa: E402

SIZE = (8.0, 4.5)  # inches; at DPI, 800 x 450 px: wide enough for chat, small enough to load at once
DPI = 100
SIDE_COLOURS = {"a": "#1f6fb2", "b": "#e8590c"}
TIE = "#9e9e9e"
BAR = "#1f6fb2"
WINNER = "#f2b705"


def draw(kind: str, spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """PNG bytes, and what was plotted: {"size": [w, h], "points": [[x, y, px, py], ...]} in the
    order of spec["points"] (data coordinates as plotted, then pixels from the top left)."""
    if kind == "rivalry":
        return _rivalry(spec)
    if kind == "gaps":
        return _gaps(spec)
    if kind == "table":
        from racebot.charts.table import draw_table

        return draw_table(spec)
    if kind == "blank":  # bench/chart.py's floor: an empty figure of the same size, saved the same way
        fig, ax = _figure()
        return _png(fig), _placed(fig, ax, [])
    raise ValueError(f"no drawing of kind {kind!r}")


def mark_text(value: float, measured: bool) -> str:
    """An axis tick as athletics prints marks: 3:29.5 for times past a minute, 8.95 m for fields."""
    if measured:
        return f"{value:.2f}"
    if value >= 3600:
        hours, rest = divmod(int(round(value)), 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if value >= 60:
        minutes, seconds = divmod(value, 60)
        return f"{int(minutes)}:{seconds:04.1f}"
    return f"{value:.2f}"


# One figure for every drawing, cleared and given fresh axes between requests (prepare). Its canvas
# keeps one Agg renderer, and matplotlib caches text metrics per renderer: a new figure per chart
# measured every tick label, name and legend entry afresh.
_figure_now: list[Figure] = []
_ready: list[Any] = []  # the next drawing's axes, made while idle


def prepare() -> None:
    """Make the next drawing's axes now, between requests, with their ticks: a third of a drawing's time."""
    if _ready:
        return
    if not _figure_now:
        fig = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(fig)  # its own canvas, kept: savefig on a bare Figure made a new one (and renderer) each time
        fig.patch.set_facecolor("white")
        _figure_now.append(fig)
    fig = _figure_now[0]
    fig.clear()
    ax = fig.add_subplot()
    ax.xaxis.get_major_ticks(10)  # made here, not while drawing; a chart uses fewer
    ax.yaxis.get_major_ticks(16)
    _ready.append(ax)


def _figure(left: float = 0.09) -> tuple[Figure, Any]:
    prepare()
    fig, ax = _figure_now[0], _ready.pop()
    # Fixed margins: a constrained layout measured every label first, half of each drawing's time.
    fig.subplots_adjust(left=left, right=0.98, top=0.9, bottom=0.1)
    return fig, ax


def _rivalry(spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    fig, ax = _figure()
    measured = bool(spec["measured"])
    names = {a["side"]: a["short"] for a in spec["athletes"]}
    points = spec["points"]
    # date2num once for the lot: per point it was a tenth of a large rivalry's time
    x = [float(v) for v in mdates.date2num([date.fromisoformat(p["date"]) for p in points])] if points else []
    y = [float(p["value"]) for p in points]
    plotted: list[Any] = [None] * len(points)
    for side, colour in SIDE_COLOURS.items():
        mine = [i for i, p in enumerate(points) if p["side"] == side]
        ax.plot([x[i] for i in mine], [y[i] for i in mine], "-", color=colour, alpha=0.35, linewidth=1, zorder=1)
        ax.scatter([x[i] for i in mine if not points[i]["meeting"]], [y[i] for i in mine if not points[i]["meeting"]],
                   s=14, color=colour, zorder=2)
        met = [i for i in mine if points[i]["meeting"]]
        faces = [colour if points[i]["outcome"] == "won" else TIE if points[i]["outcome"] == "tie" else "white"
                 for i in met]
        ax.scatter([x[i] for i in met], [y[i] for i in met], s=70, facecolors=faces, edgecolors=colour,
                   linewidths=2, zorder=4)
    _meeting_links(ax, points, x, y)
    labelled: set[tuple[str, str]] = set()
    for i, p in enumerate(points):
        if p["championship"] and p["outcome"] in ("won", "tie") and (p["championship"], p["date"]) not in labelled:
            labelled.add((p["championship"], p["date"]))
            ax.text(x[i], y[i], p["championship"].capitalize(), transform=_nudged(ax, 6, 8), fontsize=8,
                    color="#333333", zorder=5)
    if not measured:
        ax.invert_yaxis()  # faster is higher, as fans read a progression
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: mark_text(v, measured)))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    fig.suptitle(f"{spec['title']} · {spec['event']}", fontsize=12, x=0.01, y=0.99, ha="left", va="top")
    if measured:
        ax.set_ylabel("metres")  # times read as times; the title names the event
    handles = [Line2D([], [], color=SIDE_COLOURS[s], marker="o", markersize=4, linewidth=1, label=names[s])
               for s in ("a", "b")]
    handles += [Line2D([], [], linestyle="", marker="o", markersize=8, markerfacecolor="#555555",
                       markeredgecolor="#555555", label="meeting won"),
                Line2D([], [], linestyle="", marker="o", markersize=8, markerfacecolor="white",
                       markeredgecolor="#555555", markeredgewidth=2, label="meeting lost")]
    # Above the plot, not "best": finding the emptiest corner cost more than the rest of the drawing.
    ax.legend(handles=handles, fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=4, frameon=False,
              borderaxespad=0.2)
    png = _png(fig)
    for i in range(len(points)):
        plotted[i] = [x[i], y[i]]
    return png, _placed(fig, ax, plotted)


def _meeting_links(ax: Any, points: list[dict[str, Any]], x: list[float], y: list[float]) -> None:
    """A thin line between the pair's two marks in each meeting, in the winner's colour."""
    by_race: dict[tuple[str, str], dict[str, int]] = {}
    for i, p in enumerate(points):
        if p["meeting"]:
            by_race.setdefault((p["date"], p["competition"]), {})[p["side"]] = i
    segments, colours = [], []
    for pair in by_race.values():
        if len(pair) != 2:
            continue
        ia, ib = pair["a"], pair["b"]
        won = points[ia]["outcome"]
        colours.append(SIDE_COLOURS["a"] if won == "won" else SIDE_COLOURS["b"] if won == "lost" else TIE)
        segments.append([(x[ia], y[ia]), (x[ib], y[ib])])
    # One collection, not a line per meeting: a rivalry of 400 meetings spent a third of its time here.
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=1.5, alpha=0.8, zorder=3), autolim=False)


def _gaps(spec: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    labels = [f"{p['place'] or ''} {p['athlete']} {p['country']}".strip() for p in spec["points"]]
    # Room for the longest name at 8 pt (about 6 px a character), within reason.
    fig, ax = _figure(left=min(0.45, (max(map(len, labels)) * 6.3 + 20) / (SIZE[0] * DPI)))
    points = spec["points"]
    unit = spec["unit"]
    rows = list(range(len(points)))
    gaps = [float(p["gap"]) for p in points]
    colours = [WINNER if i == 0 else BAR for i in rows]
    ax.barh(rows, gaps, color=colours, height=0.6, zorder=2)
    ax.scatter([0.0], [0], s=40, color=WINNER, zorder=3)  # the winner's bar has no length
    top = max(gaps) or 1.0
    for i, p in enumerate(points):
        ax.text(gaps[i], i, f"+{p['gap']:.2f} {unit}" if i else p["mark"], transform=_nudged(ax, 4, 0),
                va="center", fontsize=8, color="#333333")
    ax.set_yticks(rows, labels, fontsize=8)
    ax.invert_yaxis()  # the winner on top
    ax.set_xlim(0, top * 1.18)
    ax.set_xlabel(f"behind the winner ({unit})")
    ax.grid(True, axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    fig.suptitle(spec["title"], fontsize=12, x=0.01, y=0.99, ha="left", va="top")
    png = _png(fig)
    return png, _placed(fig, ax, [[gaps[i], i] for i in rows])


def _nudged(ax: Any, right: float, up: float) -> Any:
    """Data coordinates moved by points: a label beside its mark. Plain text, not an annotation, whose
    per-label positioning cost more than its glyphs."""
    return ax.transData + ScaledTranslation(right / 72, up / 72, ax.figure.dpi_scale_trans)


def _png(fig: Figure) -> bytes:
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()
    width, height = canvas.get_width_height()
    # Straight from the canvas as RGB (the white background needs no alpha), zlib level 1: a quarter of
    # the time of savefig's default level for a file about a fifth larger (still ~120 kB at most).
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="png", compress_level=1)
    return out.getvalue()


def _placed(fig: Figure, ax: Any, plotted: list[Any]) -> dict[str, Any]:
    """Each plotted point's pixel in the saved PNG (savefig drew the figure, so the layout is final)."""
    width, height = fig.canvas.get_width_height()
    if not plotted:
        return {"size": [width, height], "points": []}
    pixels = ax.transData.transform(plotted)  # all at once: one transform per point cost as much as the text
    return {"size": [width, height], "points": [[x, y, round(float(px), 1), round(float(height - py), 1)]
                                                for (x, y), (px, py) in zip(plotted, pixels)]}
