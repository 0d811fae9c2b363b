"""/results reaches every race of the bundled store, each through words a fan would type.

The races and their finishing orders are read straight from the SQLite file, and each query is
built from a race's own competition, year, event, gender, round and label, never from racebot's
indexes, so a race the command cannot reach fails here by name.
"""
from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections import defaultdict

import pytest

from bot.commands.registry import Context
from bot.domain.disciplines import discipline
from bot.domain.precedence import ARCHIVE

CTX = Context(user_id="t")
ROUND_WORD = {"final": "final", "heat": "heat", "semi-final": "semi"}


def fold(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else " " for c in plain).split()


def read_races(path) -> tuple[list[dict], dict[int, list[tuple]]]:
    """Every race, marked when the Diamond League archive holds it (with what other sources added
    to it), and every race's results."""
    db = sqlite3.connect(path)
    races = [dict(zip(("id", "comp", "name", "start", "event", "gender", "round", "no", "day", "label", "archive"),
                      row))
             for row in db.execute("SELECT r.id, c.id, c.name, c.start_date, r.event, r.gender, r.round, "
                                   "r.race_no, r.day, r.label, EXISTS (SELECT 1 FROM results s WHERE s.race_id = r.id "
                                   "AND s.origin = ?) FROM races r JOIN competitions c "
                                   "ON c.id = r.competition_id ORDER BY r.id", (ARCHIVE,))]
    results = defaultdict(list)
    for race, place, name, mark in db.execute(
            "SELECT res.race_id, res.place, a.name, res.mark FROM results res JOIN athletes a ON a.id = res.athlete_id"):
        results[race].append((place, name, mark))
    db.close()
    return races, results


def same_event(races: list[dict]) -> dict[tuple, list[dict]]:
    out = defaultdict(list)
    for r in races:
        out[(r["comp"], r["event"], r["gender"])].append(r)
    return out


def query(race: dict, siblings: dict[tuple, list[dict]], n: int) -> str:
    year = race["start"][:4]
    event = discipline(race["event"]).name
    words = [race["name"] if year in race["name"] else f"{race['name']} {year}",
             f'"{event}"' if n % 2 else event,  # typed in quotes half the time
             {"M": "men", "W": "women"}[race["gender"]]]
    same_event = siblings[(race["comp"], race["event"], race["gender"])]
    if any((r["round"], r["no"]) != (race["round"], race["no"]) and r["label"] == race["label"] for r in same_event):
        words.append(f"{ROUND_WORD[race['round']]} {race['no']}")
    if race["label"]:
        first = fold(race["label"].split("·")[0].split("(")[0])
        twins = [r for r in same_event if r["id"] != race["id"] and r["label"]
                 and fold(r["label"].split("·")[0].split("(")[0]) == first]
        words += fold(race["label"]) if twins else first
    if any(r["id"] != race["id"] and (r["round"], r["no"], r["label"]) == (race["round"], race["no"], race["label"])
           for r in same_event):  # alike but for the day: a career history's race beside the meeting's
        words.append(race["day"])
    return " ".join(words)


def order(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: (r[0] is None, r[0] or 0, r[1], r[2]))


@pytest.mark.slow  # a long run: .ci/run runs it after the README's command
async def test_every_race_of_the_bundled_store_is_reached_with_its_full_order(shared_core, bundled_db):
    every, results = read_races(bundled_db)
    siblings = same_event(every)  # the words that pick a race must tell it from the careers' races too
    races = [r for r in every if r["archive"]]
    assert len(races) >= 3936
    missed = []
    started = time.perf_counter()
    for n, race in enumerate(races):
        text = query(race, siblings, n)
        reply = await shared_core.handle_text(f"/results {text}", CTX)
        data = reply.data or {}
        got = [(r["place"], r["athlete"], r["mark"]) for r in data.get("results", [])]
        if (reply.error or data.get("date") != race["day"] or data.get("label") != race["label"]
                or data.get("event") != discipline(race["event"]).name or data.get("gender") != race["gender"]
                or order(got) != order(results[race["id"]])):
            missed.append((text, reply.title))
    elapsed = time.perf_counter() - started
    assert not missed, f"{len(missed)} of {len(races)} races not reached, e.g. {missed[:8]}"
    print(f"{len(races)} races reached in {elapsed:.1f} s")


async def ask(core, text):
    reply = await core.handle_text(text, CTX)
    assert not reply.error, reply.plain_text()
    return reply


async def test_a_year_beside_an_event_stays_a_year(shared_core):
    reply = await ask(shared_core, "/results zurich 2020 100y")
    assert reply.data["event"] == "100 yards" and reply.data["results"][0]["athlete"] == "Andre De Grasse"
    assert reply.data["competition"] == "Weltklasse Zürich" and reply.data["date"].startswith("2020")


async def test_quoted_and_compact_event_names_and_indoor_variants(shared_core):
    quoted = await ask(shared_core, '/results "long jump" stockholm 2016 men national')
    compact = await ask(shared_core, "/results longjump stockholm 2016 men national")
    assert quoted.data == compact.data and quoted.data["event"] == "Long Jump"
    indoor = await ask(shared_core, "/results millrose 2024 2miles men")
    assert indoor.data["event"] == "2 Miles (indoor)" and indoor.data["results"][0]["athlete"] == "Josh Kerr"


async def test_the_womens_race_and_the_national_race_are_no_longer_hidden(shared_core):
    both = await ask(shared_core, "/results london 2010 400m")
    # The meeting's own races first, then the side programme's, each with the words that pick it.
    assert [(r["race"], r["words"]) for r in both.data["races"]] == [
        ("Men's 400m", "men 400m"), ("Women's 400m", "women 400m"),
        ("Men's 400m (National Events)", "men 400m national events")]
    men = await ask(shared_core, "/results london 2010 400m men")
    assert men.data["label"] == "" and men.data["results"][0]["athlete"] == "Jeremy Wariner"
    assert "Men's 400m (National Events) (men 400m national events)" in men.plain_text()
    national = await ask(shared_core, "/results london 2010 400m men national")
    assert national.data["label"] == "National Events" and national.data["results"][0]["athlete"] == "Conrad Williams"


async def test_rounds_and_race_numbers_pick_one_race(shared_core):
    listed = await ask(shared_core, "/results adidas 2013 100m men")
    assert [r["words"] for r in listed.data["races"]] == [
        "men 100m final 1", "men 100m semi 1", "men 100m semi 2", "men 100m final 2"]
    for words, round_label, winner in [("semi 2", "Semi-final 2", "Nickel Ashmeade"),
                                       ("semi-final 1", "Semi-final 1", "Kemar Bailey-Cole"),
                                       ("final", "Final", "Ryan Bailey")]:
        reply = await ask(shared_core, f"/results adidas 2013 100m men {words}")
        assert (reply.data["round"], reply.data["results"][0]["athlete"]) == (round_label, winner)
    missing = await shared_core.handle_text("/results adidas 2013 100m men heat 2", CTX)
    assert missing.error and "no results" in missing.plain_text()


async def test_two_races_alike_but_for_their_day_are_told_apart_by_the_day(shared_core):
    # The Pre Classic 2013 Mile, and a career history's mile the day before at that meeting.
    both = await ask(shared_core, "/results Prefontaine Classic 2013 Mile men")
    assert [r["words"].split()[-1] for r in both.data["races"]] == [r["date"] for r in both.data["races"]]
    day = await ask(shared_core, f"/results Prefontaine Classic 2013 Mile men {both.data['races'][-1]['date']}")
    assert day.data["results"][0]["athlete"] == "Silas Kiplagat"
