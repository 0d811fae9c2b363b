"""An official championship results file whose races the bundled histories already hold adds no
race and no meeting twice, and /results shows each of those races once (issue 12)."""
from __future__ import annotations

import functools
import gzip
import json
import re
import sqlite3

import pytest
from raw_archive import csv_text
from reference_careers import ARCHIVE_EVENTS, HISTORIES
from reference_h2h import folded

from bot.commands.registry import Context
from racebot.importing import import_file

ROME = "13075167"  # Tilastopaja's id of the European Championships, Rome, 7-12 June 2024
EVENTS = {**ARCHIVE_EVENTS, "Dec": "Decathlon", "Hep": "Heptathlon", "HM": "Half Marathon"}
PAIRS_FROM = [("1500m", "M"), ("400mH", "W"), ("High Jump", "W"), ("Discus Throw", "M"), ("Long Jump", "M"),
              ("Heptathlon", "W"), ("10,000m", "W"), ("Pole Vault", "M")]  # their winner and runner-up
_ROUND_WORD = re.compile(r"heat|semi|qualification", re.I)  # a race listed without one is the final


def rome_finals() -> list[dict]:
    """Every placed finisher of Rome's individual finals, as the championships' own file gives them."""
    return [dict(r) for r in _rome_finals()]


@functools.cache  # reading every history takes 1.5 s of CPU: once per module
def _rome_finals() -> tuple[dict, ...]:
    rows = []
    with gzip.open(HISTORIES, "rt", encoding="utf-8") as lines:
        for a in map(json.loads, lines):
            if not a.get("familyName"):
                continue
            for r in a["results"]:
                rank, mark = (r.get("rank") or "").strip(), (r.get("result") or "").strip()
                if (r.get("competition_ID") != ROME or r.get("round") or r["event"] not in EVENTS
                        or not rank.rstrip("=").isdigit() or not mark):
                    continue
                rows.append({"date": r["date"], "competition": "26th European Athletics Championships Roma 2024",
                             "venue": "Rome (Stadio Olimpico)", "series": "European Championships",
                             "event": EVENTS[r["event"]], "gender": a["gender"],
                             "place": "=" + rank[:-1] if rank.endswith("=") else rank,
                             "athlete": f"{a['givenName']} {a['familyName']}", "country": a["nationality"],
                             "mark": mark, "wind": r.get("wind") or "", "source": "European Athletics"})
    return tuple(rows)


def counts(db) -> dict[str, int]:
    with sqlite3.connect(db) as c:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("athletes", "competitions", "races", "results")}


def podium_pairs(rows: list[dict]) -> list[tuple[str, str]]:
    first = {(r["event"], r["gender"], r["place"]): r["athlete"] for r in rows}
    return [(first[(e, g, "1")], first[(e, g, "2")]) for e, g in PAIRS_FROM]


async def records(core, pairs) -> dict:
    out = {}
    for a, b in pairs:
        got = (await core.handle_text(f'/h2h "{a}" "{b}"', Context())).data
        out[(a, b)] = (got["wins"], got["ties"], [(m["date"], m["event"], m["round"]) for m in got["meetings"]])
    return out


def older_names(db) -> dict[tuple[str, str], str]:
    """(folded name shown, country) -> a name the athlete was stored under before the histories
    named them otherwise (the archive's "Pedro Pichardo" for "Pedro Pablo Pichardo")."""
    with sqlite3.connect(db) as c:
        return {(folded(name), country): old for name, country, old in c.execute(
            "SELECT a.name, a.country, x.name FROM athlete_aliases x JOIN athletes a ON a.id = x.athlete_id")}


async def imported(core, tmp_path, rows: list[dict], *, reload: bool = True):
    """`reload`: the core's indexes rebuilt afterwards (2 s of CPU), for a test that asks it questions."""
    path = tmp_path / "rome-2024-finals.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    report = await import_file(core.store, path)
    if reload:
        await core.start()
    assert report.rows == len(rows)
    return report


async def test_an_official_file_of_races_the_histories_hold_adds_nothing_twice(core, db_copy, tmp_path):
    rows = rome_finals()
    finals = {(r["event"], r["gender"]) for r in rows}
    assert len(finals) >= 40 and len(rows) >= 400, (len(finals), len(rows))
    pairs = podium_pairs(rows)
    before, meetings = counts(db_copy), await records(core, pairs)
    assert all(m[2] for m in meetings.values())  # each pair met, in Rome among other races

    report = await imported(core, tmp_path, rows)
    assert counts(db_copy) == before  # no athlete, competition, race or result added
    assert report.summary.results_added == 0
    assert await records(core, pairs) == meetings

    for event, gender in sorted(finals):
        ask = f"/results European Athletics Championships 2024 {event} {'men' if gender == 'M' else 'women'}"
        listed = (await core.handle_text(ask, Context())).data
        if "races" in listed:  # heats and semi-finals too: each race listed once, one final
            names = [r["race"] for r in listed["races"]]
            assert len(names) == len(set(names)) and sum(not _ROUND_WORD.search(n) for n in names) == 1, names
            listed = (await core.handle_text(ask + " final", Context())).data
        shown = [r["athlete"] for r in listed["results"]]
        mine = {r["athlete"] for r in rows if (r["event"], r["gender"]) == (event, gender)}
        assert listed["round"] == "Final" and listed["date"] in {r["date"] for r in rows}, (event, gender)
        assert len(shown) == len(set(shown)) >= len(mine), (event, gender, shown)


async def test_an_official_file_naming_athletes_by_their_older_names_adds_no_athlete(core, db_copy, tmp_path):
    old = older_names(db_copy)
    renamed = [{**r, "athlete": old[key]} for r in rome_finals() if (key := (folded(r["athlete"]), r["country"])) in old]
    assert len(renamed) >= 5  # Pichardo, Peleteiro-Compaoré, Mūze-Sirmā...
    before = counts(db_copy)
    await imported(core, tmp_path, renamed, reload=False)  # only the tables are asked
    assert counts(db_copy) == before
