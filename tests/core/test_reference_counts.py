"""`/h2h` agrees with a counter written apart from racebot, after importing races that are
already bundled under other names (issue 11: every race counted once, whatever the sources)."""
from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

from raw_archive import SHARED, csv_text
from reference_h2h import Race, archive_races, entry_of, folded, tally

from bot.commands.registry import Context
from racebot.importing import import_file

DATA = Path(__file__).resolve().parents[2] / "racebot" / "data"  # the package's bundled files
SEED = DATA / "seed-article.csv"
EVENTS = {"100": "100m", "200": "200m", "400": "400m", "800": "800m", "1500": "1500m", "5000": "5000m",
          "10000": "10000m", "3000S": "3000m SC", "110H": "110m Hurdles", "100H": "100m Hurdles",
          "400H": "400m Hurdles", "HJ": "High Jump", "PV": "Pole Vault", "LJ": "Long Jump", "TJ": "Triple Jump",
          "SP": "Shot Put", "DT": "Discus Throw", "HT": "Hammer Throw", "JT": "Javelin Throw",
          "Dec": "Decathlon", "Hep": "Heptathlon"}
# Championships in the Tilastopaja histories, and two namings of each that no bundled file uses.
CHAMPIONSHIPS = {"12935526": (("World Championships Doha 2019", "Doha (Khalifa International Stadium)"),
                              ("IAAF World Athletics Championships", "Khalifa Stadium, Doha")),
                 "12992925": (("Olympic Games Tokyo 2020", "Tokyo (National Stadium)"),
                              ("Games of the XXXII Olympiad", "Olympic Stadium, Tokyo")),
                 "13002354": (("World Athletics Championships Oregon22", "Eugene (Hayward Field)"),
                              ("WCH Oregon 2022", "Hayward Field, Eugene")),
                 "13046619": (("World Athletics Championships Budapest 2023", "Budapest (National Athletics Centre)"),
                              ("18th World Athletics Championships", "National Athletics Centre, Budapest"))}
DL_YEARS = ("2019", "2021", "2022")
_PLACE = re.compile(r"^\d+=?$")


def category(event: str) -> str:
    e = event.lower()
    if "athlon" in e:
        return "combined"
    if any(w in e for w in ("put", "throw", "discus", "hammer", "javelin")):
        return "throws"
    if "jump" in e or "vault" in e:
        return "jumps"
    return "track"


def championship_rows(by_name: dict) -> tuple[list[Race], list[dict], list[dict], dict[str, str]]:
    """Finals of four championships as the histories tell them (a partial field each), as races of
    the reference and as rows of two CSV files naming them differently."""
    races: dict[tuple, Race] = {}
    first, second, tp_names = [], [], {}
    with gzip.open(SHARED / "tilastopaja-2024" / "athletes.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            a = json.loads(line)
            if not a.get("givenName") or not a.get("familyName"):
                continue
            name, nat = f"{a['givenName']} {a['familyName']}", a["nationality"]
            ids = by_name.get((folded(name), nat), set())
            if len(ids) > 1:
                continue  # two archive athletes of that name and country: the importer asks for an id
            who = next(iter(ids)) if ids else f"tp{a['tpAthleteId']}"
            if not ids:
                tp_names[who] = name
            for r in a["results"]:
                rank, event = (r.get("rank") or "").strip(), EVENTS.get(r.get("event"))
                if (r.get("competition_ID") not in CHAMPIONSHIPS or r.get("round") or not event
                        or not _PLACE.match(rank) or not (r.get("result") or "").strip()):
                    continue
                key = (r["competition_ID"], r["date"], event, a["gender"])
                race = races.setdefault(key, Race("/".join(key), event, a["gender"]))
                race.entries.append(entry_of(who, rank, r["result"], False))
                for out, (comp, venue) in zip((first, second), CHAMPIONSHIPS[r["competition_ID"]]):
                    out.append({"date": r["date"], "competition": comp, "venue": venue, "event": event,
                                "gender": a["gender"], "place": rank.strip("=") if "=" not in rank else "=" + rank[:-1],
                                "athlete": name, "country": nat, "mark": r["result"], "source": "test"})
    return list(races.values()), first, second, tp_names


def seed_races(by_name: dict) -> list[Race]:
    races: dict[tuple, Race] = {}
    for r in csv.DictReader(io.StringIO(SEED.read_text("utf-8"))):
        ids = by_name.get((folded(r["athlete"]), r["country"]), set())
        who = next(iter(ids)) if len(ids) == 1 else f"seed:{r['athlete']}"
        event = r["event"]
        race = races.setdefault((r["date"], event, r["gender"]), Race(f"seed/{r['date']}/{event}", event, r["gender"]))
        race.entries.append(entry_of(who, r["place"], r["mark"].replace("3:29:74", "3:29.74"), False))
    return list(races.values())


def dl_rows(names: dict, by_name: dict, naming: int) -> list[dict]:
    """Diamond League finals of three seasons, already bundled, under names no bundled file uses."""
    meetings = json.loads((DATA / "dl-meetings.json").read_text("utf-8"))
    title = re.compile(r"^(Men|Women)'s (.+) - (\d\d)\.(\d\d)\.(\d{4})$")
    rows = []
    for year in DL_YEARS:
        for path in sorted((SHARED / "diamond-league-archive").glob(f"{year}_*.json")):
            city = meetings["slots"][path.stem.split("_")[1]]["venue"]
            comp, venue = ((f"Wanda Diamond League {city} {year}", f"Stadion {city}"),
                           (f"DL {year} meeting, {city}", f"Main stadium of {city}"))[naming]
            races_of_day: dict[tuple, int] = defaultdict(int)
            for category_, events in json.loads(path.read_text("utf-8")).items():
                if category_ != "Diamond Discipline":
                    continue
                for ev in events:
                    m = title.match(ev["title"].replace("\u00a0", " ").strip())
                    placed = [r for r in ev["data"] if (r.get("place") or "").strip().rstrip(".").isdigit()
                              and str(r.get("id") or "").strip() and not (r.get("doping") or "").strip()]
                    if not m or len(placed) < 3:
                        continue
                    gender = "M" if m[1] == "Men" else "W"
                    day = f"{m[5]}-{m[4]}-{m[3]}"
                    races_of_day[(day, m[2], gender)] += 1
                    for r in placed:
                        rid = str(r["id"]).strip()
                        if len(by_name.get((folded(names[rid]), r["nat"].strip().upper()), ())) != 1:
                            continue
                        rows.append({"date": day, "competition": comp, "venue": venue, "event": m[2], "gender": gender,
                                     "race": str(races_of_day[(day, m[2], gender)]), "place": r["place"].strip(),
                                     "athlete": names[rid], "country": r["nat"].strip().upper(), "mark": r["mark"],
                                     "source": "test"})
    return rows


def counts(db):
    with sqlite3.connect(db) as c:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("athletes", "competitions", "races", "results")}


@pytest.mark.slow  # a long run: .ci/run runs it after the README's command
async def test_h2h_agrees_with_a_reference_counter_on_200_pairs(results_only_core, results_only_copy, tmp_path):
    """On the store before the career histories: this reference knows only the archive and the seed."""
    archive, names, by_name = archive_races()
    champs, champ_first, champ_second, tp_names = championship_rows(by_name)
    seeds = seed_races(by_name)
    # a championship final the seed article also tells is one race (the Budapest 1500m)
    seed_keys = {(r.key.split("/")[1], r.event, r.gender): r for r in seeds}
    merged = []
    for race in champs:
        _, day, event, gender = race.key.split("/")
        seed = seed_keys.get((day, event, gender))
        if seed:
            have = {e.who for e in seed.entries}
            seed.entries += [e for e in race.entries if e.who not in have]
        else:
            merged.append(race)
    reference = tally(archive + seeds + merged)

    first = tmp_path / "finals-and-diamond-league.csv"
    first.write_text(csv_text(champ_first + dl_rows(names, by_name, 0)), encoding="utf-8")
    report = await import_file(results_only_core.store, first)
    assert report.summary.races_linked > 100  # the Diamond League finals, already bundled
    await results_only_core.start()

    name_of = {**names, **tp_names}
    display = defaultdict(set)  # folded name -> identities: only names that say who are asked for
    for who, name in name_of.items():
        display[folded(name)].add(who)
    surnames = defaultdict(set)
    for who, name in name_of.items():
        surnames[folded(name).split()[-1]].add(who)

    rng = random.Random(20261203)
    pairs = [(a, b, w) for (a, b), w in reference.items() if sum(w.values()) and name_of.get(a) and name_of.get(b)
             and len(display[folded(name_of[a])]) == 1 and len(display[folded(name_of[b])]) == 1]
    events = {}
    for race in archive + seeds + merged:
        for e in race.entries:
            events.setdefault(e.who, (race.event, race.gender))
    strata = defaultdict(list)  # track, jumps, throws, combined; men and women; namesakes or not
    for a, b, w in pairs:
        namesakes = "namesakes" if len(surnames[folded(name_of[a]).split()[-1]]) > 1 else ""
        strata[(category(events[a][0]), events[a][1], namesakes)].append((a, b, w))
    sample = []
    for key in sorted(strata):
        sample += rng.sample(strata[key], min(25, len(strata[key])))
    assert len(sample) >= 200, {k: len(v) for k, v in strata.items()}
    print("reference sample:", len(sample), {k: min(25, len(v)) for k, v in sorted(strata.items())})

    wrong = []
    for a, b, w in sample:
        reply = await results_only_core.handle_text(f'/h2h "{name_of[a]}" "{name_of[b]}"', Context())
        got = reply.data
        if folded(got["a"]["name"]) != folded(name_of[a]) or folded(got["b"]["name"]) != folded(name_of[b]):
            wrong.append((name_of[a], name_of[b], "resolved to", got["a"]["name"], got["b"]["name"]))
        elif (got["wins"]["a"], got["wins"]["b"], got["ties"]) != (w["a"], w["b"], w[""]):
            wrong.append((name_of[a], name_of[b], (got["wins"]["a"], got["wins"]["b"], got["ties"]), dict(w)))
    assert not wrong, wrong[:10]

    # The same races again, named yet otherwise: nothing changes.
    before = counts(results_only_copy)
    again = tmp_path / "again.csv"
    again.write_text(csv_text(champ_second + dl_rows(names, by_name, 1)), encoding="utf-8")
    report = await import_file(results_only_core.store, again)
    assert counts(results_only_copy) == before
    assert (report.summary.results_added, report.summary.results_changed) == (0, 0)
