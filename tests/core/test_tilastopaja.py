"""Tilastopaja's athletes' histories into the bundled store: real lines of the shared file (issue 12)."""
import gzip
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from tilastopaja_sample import (BUKOWIECKI, INGEBRIGTSEN, KAUL, LLOPIS, MARTINEZ, MAYER, NORDAS, athlete,
                                find_id, write_sample)

from cores import built_once, copy_store, writable_core
from results_only import core, db_copy  # noqa: F401 (fixtures: the store without the histories)
from bot.commands.registry import Context
from bot.errors import ImportFailed
from bot.ingest.tilastopaja import athlete_rows, round_of
from bot.ingest.tilastopaja_events import event_name
from bot.domain.models import Athlete, Competition, Race, RaceResults, Result
from bot.domain.race_report import known_finishers, race_reply
from racebot.cli import main
from racebot.importing import import_file
from storage.sqlite import SqliteStore


def _imported(tmp_path_factory, results_only_db, name: str, *tp_ids: str) -> Path:
    """The results-only store with these athletes' histories imported, built once per run
    (cores.built_once): tests that check what such an import left copy it instead of importing
    again. Tests of the import itself (its report, a second import) still import."""
    async def build(path: Path) -> None:
        copy_store(results_only_db, path)
        store = await SqliteStore.open(path)
        try:
            await import_file(store, write_sample(path.with_name("sample.jsonl.gz"), *tp_ids))
            await store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            await store.close()

    return built_once(tmp_path_factory, name, build)


@pytest.fixture(scope="session")
def _two_db(tmp_path_factory, results_only_db) -> Path:
    return _imported(tmp_path_factory, results_only_db, "tp-ingebrigtsen-nordas", INGEBRIGTSEN, NORDAS)


@pytest.fixture(scope="session")
def _jakob_db(tmp_path_factory, results_only_db) -> Path:
    return _imported(tmp_path_factory, results_only_db, "tp-ingebrigtsen", INGEBRIGTSEN)


@pytest.fixture
def jakob_copy(_jakob_db, tmp_path) -> Path:
    return copy_store(_jakob_db, tmp_path / "jakob.db")


@pytest.fixture
async def two_core(_results_only_read_core, _two_db, tmp_path):
    """A core over a copy of the store holding Ingebrigtsen's and Nordås's histories; `ask` builds its indexes."""
    c = await writable_core(_results_only_read_core, copy_store(_two_db, tmp_path / "two.db"))
    yield c
    await c.store.close()


@pytest.fixture
async def jakob_core(_results_only_read_core, jakob_copy):
    """A core over `jakob_copy`, the store holding Jakob Ingebrigtsen's histories; `ask` builds its indexes."""
    c = await writable_core(_results_only_read_core, jakob_copy)
    yield c
    await c.store.close()


def tables(db) -> dict[str, list]:
    with sqlite3.connect(db) as c:
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("athletes", "athlete_ids", "competitions", "competition_aliases", "races", "race_keys",
                          "results", "result_alternates")}


def races_of(db, tp_id: str, day: str, event: str) -> list[tuple]:
    """(race id, athletes in it) of every race the athlete ran that day in `event` (a discipline code)."""
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT r.id, (SELECT count(*) FROM results x WHERE x.race_id = r.id) FROM races r "
            "JOIN results s ON s.race_id = r.id JOIN athlete_ids i ON i.athlete_id = s.athlete_id "
            "WHERE i.scheme = 'tilastopaja' AND i.source_id = ? AND r.day = ? AND r.event = ?",
            (tp_id, day, event)).fetchall()


async def ask(core, text: str):
    await core.start()  # the indexes, rebuilt from the store as after any import
    return await core.handle_text(text, Context())


async def test_one_race_is_one_race_across_athletes_files_and_sources(core, db_copy, tmp_path):
    report = await import_file(core.store, write_sample(tmp_path / "two.jsonl.gz", INGEBRIGTSEN, NORDAS))
    assert report.summary.results_added > 150
    # Budapest 2023, 1500m final: in both files and in the seed article (Kerr 1st, Ingebrigtsen 2nd).
    ((race, size),) = races_of(db_copy, NORDAS, "2023-08-23", "1500")
    assert races_of(db_copy, INGEBRIGTSEN, "2023-08-23", "1500") == [(race, 3)]
    # Every race key of the two files names one race, and the two athletes' shared keys one race each.
    with sqlite3.connect(db_copy) as c:
        keys = dict(c.execute("SELECT key, race_id FROM race_keys"))
    both = {k.split("|", 1)[1].replace(f"|{INGEBRIGTSEN}", "") for k in keys}
    assert len(keys) == len(set(keys)) and len(both) <= len(keys)
    data = (await ask(core, "/h2h \"Jakob Ingebrigtsen\" Nordås")).data
    budapest = [m for m in data["meetings"] if m["date"] == "2023-08-23" and m["event"] == "1500m"]
    assert len(budapest) == 1 and budapest[0]["a"]["mark"] == "3:29.65" and budapest[0]["b"]["place"] == 3


async def test_a_diamond_league_race_of_2022_counts_once(core, db_copy, tmp_path):
    gourley = find_id("Neil", "Gourley")
    before = (await ask(core, "/h2h \"Jakob Ingebrigtsen\" Gourley")).data["meetings"]
    await import_file(core.store, write_sample(tmp_path / "two.jsonl.gz", INGEBRIGTSEN, gourley))
    after = (await ask(core, "/h2h \"Jakob Ingebrigtsen\" Gourley")).data["meetings"]
    lausanne = [m for m in after if m["date"] == "2022-08-26"]
    assert [m["competition"] for m in lausanne] == ["Athletissima"]  # the archive's race, joined, not doubled
    assert len([m for m in before if m["date"] == "2022-08-26"]) == 1
    # Bislett 2022: the Dream Mile, once; the 1500m times taken on the way are not a second race.
    assert [(m["event"], m["a"]["mark"]) for m in after if m["date"] == "2022-06-16"] == [("Mile", "3:46.46")]
    assert len(after) > len(before)  # championships, heats and indoor races the archive never had


async def test_a_race_known_in_part_says_so_and_never_crowns_the_wrong_winner(two_core):
    core = two_core
    reply = await ask(core, "/results budapest 2023 5000m heat 1")
    text = reply.plain_text()
    # Heat 1 of the 5000m: Ingebrigtsen 3rd, Nordås 8th; the other runners are not in the histories.
    assert "racebot knows 2 of the finishers" in text and "not the full result" in text
    assert "The winner is not in racebot's data" in text and "won the 5000m" not in text
    assert reply.data["known_finishers"] == 2
    both = (await ask(core, "/results budapest 2023 5000m")).plain_text()  # heat and final, listed
    assert "won by Jakob Ingebrigtsen in 13:11.30 (racebot knows 2 of the finishers)" in both  # the final


def test_a_field_known_from_1_to_the_last_place_is_whole():
    comp = Competition(1, "Meeting", "Oslo", "NOR", date(2024, 1, 1), date(2024, 1, 1))
    race = Race(1, 1, "1500", "M", "final", 1, date(2024, 1, 1))

    def field(*places):
        return RaceResults(race, comp, tuple((Result(1, i, p, "3:40.00", 220.0), Athlete(i, f"A{i}", "A", f"{i}"))
                                             for i, p in enumerate(places)), partial=True)

    assert known_finishers(field(1, 2, 3)) is None
    assert known_finishers(field(1, 1, 3)) is None  # a tie for first, then third
    assert known_finishers(field(1, 3)) == 2
    assert known_finishers(field(2, 3)) == 2
    assert known_finishers(RaceResults(race, comp, field(2, 3).results)) is None  # not from a partial source


async def test_youth_implements_and_heights_are_events_of_their_own(core, db_copy, tmp_path):
    await import_file(core.store, write_sample(tmp_path / "youth.jsonl.gz", BUKOWIECKI, LLOPIS, MARTINEZ))
    raw = athlete(BUKOWIECKI)["results"]
    with sqlite3.connect(db_copy) as c:
        events = dict(c.execute(
            "SELECT r.event, count(*) FROM results s JOIN races r ON r.id = s.race_id JOIN athlete_ids i "
            "ON i.athlete_id = s.athlete_id WHERE i.scheme = 'tilastopaja' AND i.source_id = ? GROUP BY r.event",
            (BUKOWIECKI,)))
    youth = [r for r in raw if r["event"] == "SP5" and r["result"] and not r["rank"].strip().isalpha()]
    outdoor = sum(1 for r in youth if r["IndoorOutdoor"] == "Outdoor")
    assert events["SP/5 kg"] == outdoor and events.get("SP/5 kg indoor", 0) == len(youth) - outdoor
    assert min(float(r["result"]) for r in youth) > 0 and "SP" in events
    text = (await ask(core, "/athlete Bukowiecki")).plain_text()
    assert "Shot Put (5 kg)" in text
    # The U20 hurdlers' 110m over 99 cm hurdles never meet their senior 110m hurdles races.
    data = (await ask(core, "/h2h Llopis \"Asier Martinez\"")).data
    assert {m["event"] for m in data["meetings"]} >= {"110m hurdles", "110m hurdles (91.4 cm)"}


async def test_combined_event_disciplines_are_not_races_but_the_totals_are(core, db_copy, tmp_path):
    await import_file(core.store, write_sample(tmp_path / "multi.jsonl.gz", MAYER, KAUL))
    raw = athlete(MAYER)["results"]
    inside = [r for r in raw if r["rank"].strip() == "D" and r["event"] == "110H"]
    totals = [r for r in raw if r["event"] == "Dec" and r["rank"].strip().rstrip("=").isdigit()]
    assert inside and totals
    with sqlite3.connect(db_copy) as c:
        marks = set(c.execute(
            "SELECT r.day, s.mark FROM results s JOIN races r ON r.id = s.race_id JOIN athlete_ids i "
            "ON i.athlete_id = s.athlete_id WHERE i.scheme = 'tilastopaja' AND i.source_id = ? AND r.event = '110H'",
            (MAYER,)))
        decathlons = c.execute(
            "SELECT count(*) FROM results s JOIN races r ON r.id = s.race_id JOIN athlete_ids i "
            "ON i.athlete_id = s.athlete_id WHERE i.scheme = 'tilastopaja' AND i.source_id = ? AND r.event = 'DEC'",
            (MAYER,)).fetchone()[0]
    assert not {(r["date"], r["result"]) for r in inside} & marks
    assert decathlons >= len([r for r in totals if r["IndoorOutdoor"] == "Outdoor"]) - 2  # a few linked/tied
    data = (await ask(core, "/h2h \"Kevin Mayer\" \"Niklas Kaul\"")).data
    assert any(m["event"] == "Decathlon" for m in data["meetings"])
    assert not any(m["event"] in ("110m hurdles", "Long Jump") for m in data["meetings"])


def test_a_combined_event_jump_listed_twice_is_no_race_of_its_own():
    """Rome 2024 decathlon long jump: 'D' 7.48 scored, then '-' 7.33 (his best legal mark)."""
    rows = [row for row, _ in athlete_rows(athlete(find_id("Tim", "Nowak")), "test", 1)]
    rome = {(r.date.isoformat(), r.event) for r in rows if r.date >= date(2024, 6, 10)}  # his last meeting
    assert ("2024-06-10", "Long Jump") not in rome and ("2024-06-11", "Decathlon") in rome


async def test_indoor_races_are_marked_indoor_and_count(two_core):
    core = two_core
    reply = await ask(core, "/h2h \"Jakob Ingebrigtsen\" Nordås")
    torun = [m for m in reply.data["meetings"] if m["date"] == "2021-03-07"]
    assert [m["event"] for m in torun] == ["3000m (indoor)"]
    assert any(f.name == "3000m (indoor)" for f in reply.fields)


async def test_importing_the_same_histories_again_changes_nothing(core, db_copy, tmp_path):
    path = write_sample(tmp_path / "two.jsonl.gz", INGEBRIGTSEN, NORDAS)
    await import_file(core.store, path)
    once = tables(db_copy)
    report = await import_file(core.store, path)
    assert tables(db_copy) == once
    assert (report.summary.athletes, report.summary.races, report.summary.results_added) == (0, 0, 0)


async def test_a_lower_precedence_version_imported_again_is_kept_once_not_refused(core, db_copy, tmp_path):
    # Alexis Copello's triple jumps differ between his history and the Diamond League archive: the
    # archive's are shown, his history's kept beside them. The second import used to fail on those.
    path = write_sample(tmp_path / "copello.jsonl.gz", find_id("Alexis", "Copello"))
    first = await import_file(core.store, path)
    once = tables(db_copy)
    assert first.summary.results_changed and once["result_alternates"]
    again = await import_file(core.store, path)
    assert tables(db_copy) == once and again.summary.results_changed == 0


def test_a_broken_line_is_refused_with_its_line_and_nothing_is_kept(results_only_copy, capsys, tmp_path):
    # The store without the histories: Ingebrigtsen's good line would add hundreds of results to it
    # (to the whole bundled store, which holds them already, next to none), and comparing its
    # tables costs an eighth of the whole store's.
    db_copy = results_only_copy
    path = write_sample(tmp_path / "bad.jsonl.gz", INGEBRIGTSEN, extra_lines=('{"tpAthleteId": "1", "resu',))
    before = tables(db_copy)
    assert main(["--db", str(db_copy), "import", "--format", "tilastopaja", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonl.gz, line 2: not a Tilastopaja athlete (invalid JSON" in err and "Nothing from this file" in err
    assert tables(db_copy) == before
    with pytest.raises(ImportFailed):
        import asyncio
        from storage.sqlite import SqliteStore

        async def again():
            store = await SqliteStore.open(db_copy)
            try:
                await import_file(store, path)
            finally:
                await store.close()
        asyncio.run(again())


@pytest.mark.parametrize("raw, stage, age, expected", [
    ("", "Final", "", ("final", 1, "")),
    ("h3", "Prelim", "", ("heat", 3, "")),
    ("s2", "Prelim", "", ("semi-final", 2, "")),
    ("q", "Prelim", "", ("heat", 1, "qualification")),
    ("rB", "Prelim", "", ("final", 2, "B race")),
    ("cB", "Prelim", "", ("final", 2, "B final")),
    ("h1-19", "Prelim", "Under 20", ("heat", 1, "U20")),
    ("-17", "Final", "", ("final", 1, "U18")),
    ("h2 ", "Prelim", "", ("heat", 2, "")),
    ("Serie 2", "Prelim", "", ("final", 2, "Serie 2")),
])
def test_rounds(raw, stage, age, expected):
    assert round_of(raw, stage, age) == expected


@pytest.mark.parametrize("code, name", [
    ("1500", "1500m"), ("3000S", "3000m SC"), ("110H", "110m hurdles"), ("110H91.4", "110m hurdles (91.4 cm)"),
    ("100H76.2", "100m hurdles (76.2 cm)"), ("60H100", "60m hurdles (100 cm)"), ("SP5", "Shot Put (5 kg)"),
    ("DT1.75", "Discus (1.75 kg)"), ("JT500", "Javelin (500 g)"), ("Dec", "Decathlon"), ("Hepy", "Heptathlon (youth)"),
    ("20W", "20 km walk"), ("10K", "10 km"), ("HM", "Half Marathon"), ("Mar", "Marathon"), ("4x1", None),
    ("4x4", None), ("3xCCTEAM", None), ("4x4MX", None),
])
def test_event_codes(code, name):
    assert event_name(code) == name


async def test_stated_personal_bests_are_pbs_with_their_date_indoor_apart(jakob_core):
    core = jakob_core
    stated = {(pb["eventCode"], bool(pb.get("indoor"))): pb for pb in athlete(INGEBRIGTSEN)["personalBests"]}
    outdoor, indoor = stated[("1500", False)], stated[("1500", True)]
    reply = await ask(core, "/athlete Jakob Ingebrigtsen")
    fields = {f.name: f.value for f in reply.fields}
    assert fields["PB 1500m"].startswith(f"{outdoor['performance']} ({outdoor['date']}")
    assert reply.data["pbs"]["1500m (indoor)"] == indoor["performance"] != outdoor["performance"]
    assert "1500m" not in reply.data["bests_in_data"]


async def test_a_better_mark_imported_later_replaces_the_stated_pb(jakob_core, tmp_path):
    core = jakob_core
    stated = next(pb for pb in athlete(INGEBRIGTSEN)["personalBests"] if pb["eventCode"] == "800" and not pb.get("indoor"))
    minutes, seconds = stated["performance"].split(":")
    better = f"{minutes}:{float(seconds) - 0.5:05.2f}"
    csv = tmp_path / "later.csv"
    csv.write_text("date,competition,venue,event,gender,athlete,country,mark,place\n"
                   f"2025-06-01,Test Meeting,Sandnes,800m,M,Jakob Ingebrigtsen,NOR,{better},1\n", encoding="utf-8")
    await import_file(core.store, csv)
    reply = await ask(core, "/athlete Jakob Ingebrigtsen")
    assert reply.data["pbs"]["800m"] == better
    assert {f.name: f.value for f in reply.fields}.get("PB 800m", "").startswith(f"{better} (Test Meeting 2025-06-01")


async def test_a_race_known_from_first_place_on_still_says_its_size_is_unknown(jakob_core, jakob_copy):
    core, db_copy = jakob_core, jakob_copy
    won = next(r for r in athlete(INGEBRIGTSEN)["results"] if r["rank"].strip() == "1" and r["date"] < "2016")
    with sqlite3.connect(db_copy) as c:
        comp, event = c.execute("SELECT r.competition_id, r.event FROM race_keys k JOIN races r ON r.id = k.race_id "
                                "WHERE k.key LIKE ?", (f"tilastopaja|{won['competition_ID']}|{won['date']}|%",)).fetchone()
    (rr,) = await core.store.race_results(comp, event)
    reply = race_reply(rr)
    assert reply.data["known_finishers"] is None  # place 1 and no gap: the order is right...
    assert "racebot knows the winner (from athletes' race histories)" in reply.plain_text()  # ...but not how many ran behind
    assert f"Jakob Ingebrigtsen won the {rr.race.discipline.name} in {won['result']}" in reply.plain_text()


async def test_a_name_spelt_otherwise_is_the_archive_athlete_not_a_second_one(core, db_copy, tmp_path):
    # The archive's "Henrik Ingebrigtsen" and "Aikaterini Stefanidi" are the histories' "Henrik Børkja
    # Ingebrigtsen" (a middle name) and "Ekateríni Stefanídi" (another transliteration).
    henrik, katerina = find_id("Henrik Børkja", "Ingebrigtsen"), find_id("Ekateríni", "Stefanídi")
    with sqlite3.connect(db_copy) as c:
        before = c.execute("SELECT count(*) FROM athletes").fetchone()[0]
    report = await import_file(core.store, write_sample(tmp_path / "two.jsonl.gz", henrik, katerina))
    assert report.summary.athletes == 0
    with sqlite3.connect(db_copy) as c:
        assert c.execute("SELECT count(*) FROM athletes").fetchone()[0] == before
        linked = c.execute("SELECT a.name FROM athlete_ids i JOIN athletes a ON a.id = i.athlete_id "
                           "WHERE i.scheme = 'tilastopaja' ORDER BY 1").fetchall()
    # shown by the histories' names (the newer); the archive's still find them
    assert linked == [("Ekateríni Stefanídi",), ("Henrik Børkja Ingebrigtsen",)]
    for name in ("Henrik Ingebrigtsen", "Henrik Børkja Ingebrigtsen"):
        reply = await ask(core, f'/athlete "{name}"')
        assert reply.title == "Henrik Børkja Ingebrigtsen" and "2007–" in reply.plain_text()  # his whole career
    with sqlite3.connect(db_copy) as c:
        assert c.execute("SELECT name FROM athlete_aliases ORDER BY 1").fetchall() == [
            ("Aikaterini Stefanidi",), ("Henrik Ingebrigtsen",)]


async def test_a_sibling_of_the_same_family_name_stays_apart(jakob_copy):
    db_copy = jakob_copy
    with sqlite3.connect(db_copy) as c:
        ids = c.execute("SELECT a.name FROM athlete_ids i JOIN athletes a ON a.id = i.athlete_id "
                        "WHERE i.scheme = 'tilastopaja'").fetchall()
        brothers = c.execute("SELECT count(*) FROM athletes WHERE name LIKE '% Ingebrigtsen'").fetchone()[0]
    assert ids == [("Jakob Ingebrigtsen",)] and brothers == 3


def _zurich_2021(tp_id: str, given: str, family: str, country: str, born: str, place: str, mark: str) -> str:
    """One athlete's line holding only their Zürich 2021 400m hurdles: the histories give the
    Diamond League final and the promotional race one key (same competition, day, event, round)."""
    row = {"IndoorOutdoor": "Outdoor", "event": "400H", "result": mark, "wind": "", "rank": place, "round": "",
           "roundstage": "Final", "agegroup": "", "competition_ID": "12994754", "date": "2021-09-09",
           "compName": "33rd Weltklasse, Wanda Diamond League Final", "city": "Zürich", "venuecountry": "SUI"}
    return json.dumps({"tpAthleteId": tp_id, "givenName": given, "familyName": family, "gender": "M",
                       "nationality": country, "birthYear": born, "results": [row]})


ZURICH = (("1", "Karsten", "Warholm", "NOR", "1996", "1", "47.35"),
          ("2", "Rasmus", "Mägi", "EST", "1992", "4", "48.84"),
          ("3", "Joshua", "Abuaku", "GER", "1996", "3", "50.42"),
          ("4", "Dany", "Brand", "SUI", "1996", "4", "50.48"),
          ("5", "Test", "Hurdler", "SUI", "2001", "9", "52.10"))  # in neither of the archive's races


async def test_two_finals_under_one_history_key_are_two_races_athlete_by_athlete(core, db_copy, tmp_path):
    path = tmp_path / "zurich.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(_zurich_2021(*a) for a in ZURICH) + "\n")
    report = await import_file(core.store, path)
    assert report.summary.races == 1 and report.summary.races_linked == 0  # the one left, Hurdler's own
    with sqlite3.connect(db_copy) as c:
        placed = dict(c.execute(
            "SELECT a.name, r.label || '/' || r.partial FROM results s JOIN athletes a ON a.id = s.athlete_id "
            "JOIN races r ON r.id = s.race_id WHERE r.day = '2021-09-09' AND r.event = '400H' AND r.gender = 'M' "
            "AND a.name IN ('Karsten Warholm', 'Rasmus Mägi', 'Joshua Abuaku', 'Dany Brand', 'Test Hurdler')"))
        keys = c.execute("SELECT count(*) FROM race_keys").fetchone()[0]
    assert placed == {"Karsten Warholm": "/0", "Rasmus Mägi": "/0", "Joshua Abuaku": "Promotional Events/0",
                      "Dany Brand": "Promotional Events/0", "Test Hurdler": "/1"}
    assert keys == 3  # the key names each of the three races its rows are in now
    meetings = (await ask(core, '/h2h "Karsten Warholm" "Joshua Abuaku"')).data["meetings"]
    assert "2021-09-09" not in [m["date"] for m in meetings]
    before = tables(db_copy)
    again = await import_file(core.store, path)  # each row finds the race holding its athlete
    assert (again.summary.races, again.summary.results_added, again.summary.results_changed) == (0, 0, 0)
    assert tables(db_copy) == before
