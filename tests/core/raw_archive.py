"""The shared data read straight from its files, apart from racebot's readers, for tests that
check racebot's answers against the source (reference counts, linking across namings)."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ARCHIVE = SHARED / "diamond-league-archive"
_TITLE = re.compile(r"^(Men|Women)'s (.+) - (\d\d)\.(\d\d)\.(\d{4})$")
HEADER = ("date", "competition", "venue", "series", "event", "gender", "round", "race", "place", "athlete",
          "country", "mark", "wind", "flags", "source", "athlete_id")


def person(name: str) -> str:
    """'Jakob INGEBRIGTSEN' as people write it: 'Jakob Ingebrigtsen'."""
    return " ".join(w[0] + w[1:].lower() if len(w) > 1 and w.isupper() else w for w in name.split())


def archive_events(stem: str):
    """(category, gender, event, ISO day, detail, rows) of one `<year>_<slot>.json`."""
    for category, events in json.loads((ARCHIVE / f"{stem}.json").read_text("utf-8")).items():
        for ev in events:
            m = _TITLE.match(ev["title"].replace("\u00a0", " ").strip())
            if m:
                day = datetime(int(m[5]), int(m[4]), int(m[3])).date().isoformat()
                yield category, "M" if m[1] == "Men" else "W", m[2], day, ev["detail"].replace("\u00a0", " "), ev["data"]


def archive_race(stem: str, gender: str, event: str, category: str = "Diamond Discipline") -> tuple[str, list[dict]]:
    for cat, g, ev, day, _, rows in archive_events(stem):
        if cat == category and g == gender and ev == event:
            return day, rows
    raise KeyError((stem, gender, event))


def csv_rows(day: str, competition: str, venue: str, event: str, gender: str, rows: list[dict], **extra) -> list[dict]:
    """The archive's placed finishers as interchange rows, no ids, under a naming of our own."""
    out = []
    for r in rows:
        place = r["place"].strip().rstrip(".")
        if not place.isdigit() or r.get("doping"):
            continue
        out.append({"date": day, "competition": competition, "venue": venue, "event": event, "gender": gender,
                    "place": place, "athlete": person(r["athlete"]), "country": r["nat"], "mark": r["mark"],
                    "source": "test", **extra})
    return out


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=HEADER, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()
