"""One race is one race, whatever the sources: record linking across namings (issue 11)."""
import sqlite3

from raw_archive import archive_race, csv_rows, csv_text

from results_only import core, db_copy  # noqa: F401 (fixtures: the store without the histories)
from bot.commands.registry import Context
from bot.ingest.linking import Entry, split
from racebot.importing import import_file


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def race_sizes(db, day, event="1500"):
    with sqlite3.connect(db) as c:
        return sorted(c.execute("SELECT r.id, count(*) FROM races r JOIN results s ON s.race_id = r.id "
                                "WHERE r.day = ? AND r.event LIKE ? GROUP BY r.id", (day, event + "%")).fetchall())


def table_counts(db):
    with sqlite3.connect(db) as c:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("athletes", "competitions", "races", "results", "result_alternates")}


async def h2h(core, text):
    await core.start()
    return (await core.handle_text(f"/h2h {text}", Context())).data


async def test_lausanne_2022_under_other_names_joins_the_archive_race(core, db_copy, tmp_path):
    day, rows = archive_race("2022_36", "M", "1500m")
    before_h2h = await h2h(core, "Kerr Ingebrigtsen")
    before = table_counts(db_copy)
    sizes = race_sizes(db_copy, day)
    report = await import_file(core.store, write(tmp_path, "lausanne.csv", csv_rows(
        day, "Athletissima (Diamond League)", "Lausanne (Stade Olympique de la Pontaise)", "1500m", "M", rows)))
    assert (report.summary.races, report.summary.competitions, report.summary.results_added) == (0, 0, 0)
    assert table_counts(db_copy) == before and race_sizes(db_copy, day) == sizes
    assert await h2h(core, "Kerr Ingebrigtsen") == before_h2h
    # the names of the other source are kept, so the next import with them joins at once
    with sqlite3.connect(db_copy) as c:
        assert c.execute("SELECT name, venue FROM competition_aliases").fetchall() == [
            ("Athletissima (Diamond League)", "Lausanne (Stade Olympique de la Pontaise)")]


async def test_yet_another_naming_changes_nothing(core, db_copy, tmp_path):
    day, rows = archive_race("2022_36", "M", "1500m")
    await import_file(core.store, write(tmp_path, "a.csv", csv_rows(day, "Athletissima (Diamond League)", "Lausanne", "1500m", "M", rows)))
    before = table_counts(db_copy)
    report = await import_file(core.store, write(tmp_path, "b.csv", csv_rows(
        day, "Wanda Diamond League Lausanne", "Stade de la Pontaise", "1500 m", "men", rows[:3])))
    assert table_counts(db_copy) == before
    assert (report.summary.results_added, report.summary.results_changed, report.summary.races) == (0, 0, 0)


async def test_a_second_race_of_that_day_with_other_athletes_stays_apart(core, db_copy, tmp_path):
    day, _ = archive_race("2022_36", "M", "1500m")
    national = [{"date": day, "competition": "Swiss club meeting", "venue": "Morges", "event": "1500m",
                 "gender": "M", "place": str(i), "athlete": f"Club Runner{i}", "country": "SUI",
                 "mark": f"3:5{i}.00", "source": "test"} for i in range(1, 4)]
    sizes = race_sizes(db_copy, day)
    report = await import_file(core.store, write(tmp_path, "club.csv", national))
    assert report.summary.races_linked == 0 and report.summary.races == 1
    assert len(race_sizes(db_copy, day)) == len(sizes) + 1


async def test_final_1_and_final_2_never_merge_and_each_links_to_its_own(core, db_copy, tmp_path):
    # The archive's Men's 1500m in Lausanne 2022 has the Diamond race and the U20 race (Final 2).
    day, u20 = archive_race("2022_36", "M", "1500m", "U20 Events")
    sizes = race_sizes(db_copy, day)
    report = await import_file(core.store, write(tmp_path, "u20.csv", csv_rows(
        day, "Swiss U20 invitational", "Stade de la Pontaise", "1500m", "M", u20[:4])))
    assert report.summary.races_linked == 1
    assert race_sizes(db_copy, day) == sizes


async def test_seed_race_budapest_2023_joins_under_the_official_name(core, db_copy, tmp_path):
    rows = [{"date": "2023-08-23", "competition": "World Athletics Championships Budapest 2023",
             "venue": "Budapest (National Athletics Centre)", "event": "1500m", "gender": "M", "place": p,
             "athlete": n, "country": c, "mark": m, "source": "test"}
            for p, n, c, m in (("1", "Josh Kerr", "GBR", "3:29.38"), ("2", "Jakob Ingebrigtsen", "NOR", "3:29.65"),
                               ("3", "Narve Gilje Nordås", "NOR", "3:29.68"))]
    before = await h2h(core, "Kerr Ingebrigtsen")
    report = await import_file(core.store, write(tmp_path, "budapest.csv", rows))
    assert (report.summary.races, report.summary.results_added, report.summary.results_changed) == (0, 1, 0)
    assert await h2h(core, "Kerr Ingebrigtsen") == before
    with sqlite3.connect(db_copy) as c:
        (comps,) = c.execute("SELECT count(*) FROM competitions WHERE start_date = '2023-08-23' "
                             "OR name LIKE '%Budapest%'").fetchone()
    assert comps == 1
    heat = [{**rows[0], "date": "2023-08-20", "round": "heat", "race": "1", "mark": "3:33.94"}]
    await import_file(core.store, write(tmp_path, "heat.csv", heat))
    with sqlite3.connect(db_copy) as c:  # the competition now spans the days its races were run
        assert c.execute("SELECT start_date, end_date FROM competitions WHERE start_date <= '2023-08-23' "
                         "AND end_date >= '2023-08-23' AND venue = 'Budapest'").fetchall() == [
            ("2023-08-20", "2023-08-23")]


async def test_a_disagreeing_mark_keeps_both_and_shows_the_archive(core, db_copy, tmp_path):
    day, rows = archive_race("2022_36", "M", "1500m")
    mine = csv_rows(day, "Athletissima (Diamond League)", "Lausanne", "1500m", "M", rows)
    mine[0]["mark"] = "3:29.50"  # the winner's 3:29.05, mistyped in the user's file
    await import_file(core.store, write(tmp_path, "typo.csv", mine))
    with sqlite3.connect(db_copy) as c:
        shown = c.execute("SELECT s.mark FROM results s JOIN athletes a ON a.id = s.athlete_id JOIN races r "
                          "ON r.id = s.race_id WHERE r.day = ? AND a.name = 'Jakob Ingebrigtsen' AND r.event = '1500'",
                          (day,)).fetchall()
        kept = c.execute("SELECT mark, origin FROM result_alternates").fetchall()
    assert shown == [("3:29.05",)] and kept == [("3:29.50", 1)]


async def test_a_hand_time_links_only_when_the_field_links(core, db_copy, tmp_path):
    day, rows = archive_race("2022_36", "M", "1500m")
    hand = csv_rows(day, "Lausanne meeting", "Stade de la Pontaise", "1500m", "M", rows[:3])
    for r in hand:  # 3:29.05 -> 3:29.1: hand times, printed to tenths
        r["mark"] = r["mark"][:-1]
    report = await import_file(core.store, write(tmp_path, "hand.csv", hand))
    assert report.summary.races_linked == 1
    alone = csv_rows(day, "Another meeting", "La Pontaise", "1500m", "M", rows[:1])
    alone[0]["mark"] = alone[0]["mark"][:-1]
    report = await import_file(core.store, write(tmp_path, "alone.csv", alone))
    assert report.summary.races_linked == 0


async def test_results_footer_says_where_sources_differ(core, db_copy, tmp_path):
    day, rows = archive_race("2022_36", "M", "1500m")
    mine = csv_rows(day, "Athletissima (Diamond League)", "Lausanne", "1500m", "M", rows)
    mine[0]["mark"] = "3:29.50"
    await import_file(core.store, write(tmp_path, "typo.csv", mine))
    await core.start()
    reply = await core.handle_text("/results lausanne 2022 1500m", Context())
    assert reply.data["results"][0]["mark"] == "3:29.05"
    assert ("Sources differ on 1 result: Jakob Ingebrigtsen 3:29.05 shown (the Diamond League archive), "
            "3:29.50 in imported files.") in reply.footer


def _field(*rows):
    """Entries from (athlete, place, mark in seconds) rows."""
    return [Entry(a, p, v, f"{v:.2f}") for a, p, v in rows]


DL = _field((1, 1, 47.35), (2, 2, 47.81), (3, 3, 48.24), (4, 4, 48.84))
PROMO = _field((11, 1, 49.34), (12, 2, 49.80), (13, 3, 50.42), (14, 4, 50.48))


def test_one_history_race_holding_two_finals_splits_athlete_by_athlete():
    fused = _field((1, 1, 47.35), (4, 4, 48.84), (13, 3, 50.42), (14, 4, 50.48))
    assert split(fused, {100: DL, 200: PROMO}) == {100: [1, 4], 200: [13, 14]}
    # one shared athlete each is enough: each athlete is in one race only, with their own mark
    assert split(_field((2, 2, 47.81), (12, 2, 49.80)), {100: DL, 200: PROMO}) == {100: [2], 200: [12]}


def test_an_athlete_neither_race_lists_joins_only_where_their_place_and_mark_are():
    fused = _field((1, 1, 47.35), (13, 3, 50.42), (99, 3, 48.24), (98, 9, 52.00))
    # 99: 3rd in 48.24 is the final's 3rd (athlete 3: a name not linked yet, or a tie); 98 fits neither
    assert split(fused, {100: DL, 200: PROMO}) == {100: [1, 99], 200: [13]}


def test_no_split_when_the_races_are_one_race_told_twice_or_marks_disagree():
    told_twice = {100: DL, 200: DL}
    assert split(_field((1, 1, 47.35), (2, 2, 47.81)), told_twice) is None
    # the promotional share's athlete has another mark there: not that race, so no split
    assert split(_field((1, 1, 47.35), (13, 3, 51.99)), {100: DL, 200: PROMO}) is None
    assert split(_field((1, 1, 47.35), (2, 2, 47.81)), {100: DL, 200: PROMO}) is None  # all in one race
