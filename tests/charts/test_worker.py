"""The chart worker across its process boundary: `racebot h2h ... --chart PATH` in a process of its
own leaves matplotlib out of it, saves a PNG of the points its --json lists; the worker survives
a bad request and its own death, and a repeated chart comes from the cache."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from results_only import db_copy  # noqa: F401 (what is stored is not the point; racebot leaves this store as it is)

ROOT = Path(__file__).resolve().parents[2]
PLOTTING = ("matplotlib", "numpy", "PIL", "kiwisolver", "contourpy", "fontTools")

ONE_SHOT = """
import json, sys
from racebot.cli import main
rc = main(sys.argv[1:])
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(%r)))
print("CHECK " + json.dumps({"rc": rc, "plotting": loaded}), file=sys.stderr)
""" % json.dumps(PLOTTING)


def test_h2h_chart_from_the_cli_is_drawn_outside_the_bots_process(db_copy, tmp_path):
    out = tmp_path / "kerr.png"
    run = subprocess.run([sys.executable, "-c", ONE_SHOT, "--db", str(db_copy), "h2h", "Kerr", "Ingebrigtsen",
                          "--json", "--chart", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    check = json.loads(run.stderr.split("CHECK ", 1)[1])
    assert check == {"rc": 0, "plotting": []}, run.stderr  # the bot's process never loaded a plotting library
    assert f"Chart saved to {out}: Chart of 1500m marks" in run.stderr
    answer = json.loads(run.stdout)
    png = out.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    Image = pytest.importorskip("PIL.Image")
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size == (800, 450)
    # the picture is of the points the JSON lists: drawn again here from them, it is the same picture
    from racebot.charts.draw import draw

    again, _ = draw("rivalry", answer["chart"])
    assert Image.open(io.BytesIO(again)).tobytes() == image.tobytes()
    assert {(p["date"], p["mark"]) for p in answer["chart"]["points"] if p["meeting"]} >= {
        ("2023-08-23", "3:29.38"), ("2023-08-23", "3:29.65")}  # Budapest, both of them


def test_no_chart_asked_starts_no_worker_and_no_chart_answer_says_so(db_copy, tmp_path):
    out = tmp_path / "none.png"
    run = subprocess.run([sys.executable, "-m", "racebot.cli", "--db", str(db_copy), "next", "--chart", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "has no chart" in run.stderr and not out.exists()


ROBUST = """
import asyncio, json, os, signal, sys
from bot.replies import Chart
from racebot.charts.client import ChartWorker

spec = json.loads(sys.argv[1])

async def main():
    w = ChartWorker()
    chart = Chart("gaps", "race:1", "alt", spec)
    first = await w.draw(chart, 7)
    pid = w.pid
    again = await w.draw(chart, 7)            # cached: the worker is not asked
    newer = await w.draw(chart, 8)            # a new data version draws afresh
    bad = await w.draw(Chart("pie", "x", "", {}), 8)
    after_bad = await w.draw(Chart("gaps", "race:2", "alt", spec), 8)
    same_pid = w.pid == pid
    os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(0.2)
    lost = await w.draw(Chart("gaps", "race:3", "alt", spec), 8)
    back = await w.draw(Chart("gaps", "race:4", "alt", spec), 8)
    new_pid = w.pid
    await w.close()
    bot = ChartWorker(wait_for_start=False)   # as racebot run has it: no answer waits for the start-up
    unready = await bot.draw(chart, 1)
    await bot._starting
    ready = await bot.draw(chart, 1)
    await bot.close()
    print(json.dumps({"unready": unready, "ready": len(ready or b""), "first": len(first or b""), "again_same": again is first, "newer": len(newer or b""),
                      "bad": bad, "after_bad": len(after_bad or b""), "same_pid": same_pid,
                      "lost": lost is None, "back": len(back or b""), "restarted": new_pid not in (None, pid),
                      "closed": w.pid is None, "rss_kb": w.started.get("rss_kb")}))

asyncio.run(main())
"""


@pytest.mark.slow
def test_worker_survives_a_bad_request_and_its_own_death():
    spec = {"kind": "gaps", "title": "t", "unit": "s", "event": "100m", "measured": False, "points": [
        {"place": 1, "athlete": "A", "country": "", "mark": "9.90", "value": 9.9, "gap": 0.0},
        {"place": 2, "athlete": "B", "country": "", "mark": "10.00", "value": 10.0, "gap": 0.1}]}
    run = subprocess.run([sys.executable, "-c", ROBUST, json.dumps(spec)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    got = json.loads(run.stdout)
    assert got["first"] > 1000 and got["again_same"] and got["newer"] == got["first"]
    assert got["bad"] is None and got["after_bad"] > 1000 and got["same_pid"]  # one bad spec, same worker
    assert got["lost"] or got["back"]  # a killed worker costs at most the chart being drawn ...
    assert got["back"] > 1000 and got["restarted"] and got["closed"]  # ... and the next one has a new worker
    assert got["rss_kb"] > 10_000
    assert got["unready"] is None and got["ready"] > 1000


TABLE = """
import asyncio, io, json, sys
from bot.charts.table import table_chart
from bot.replies import Column, Table
from racebot.charts.client import ChartWorker

async def main():
    worker = ChartWorker()
    table = Table((Column("Date"), Column("Competition")), tuple(("2024-05-%02d" % d, "Bislett Games") for d in range(1, 13)))
    drawn = await worker.drawn(table_chart("Full table", table, "World Athletics"))
    await worker.close()
    print(json.dumps({"size": drawn.meta["size"], "png": len(drawn.png), "head": drawn.png[:8].hex(),
                      "plotting": sorted({m.split(".")[0] for m in sys.modules} & {"matplotlib", "PIL"})}))

asyncio.run(main())
"""


@pytest.mark.slow
def test_a_full_table_is_drawn_by_the_worker_process():
    run = subprocess.run([sys.executable, "-c", TABLE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    got = json.loads(run.stdout)
    assert got["head"] == b"\x89PNG\r\n\x1a\n".hex() and got["png"] > 1000
    assert got["size"][1] > 12 * 22 and got["plotting"] == []  # drawn over there, not in the bot's process
