"""World Athletics answers -> ResultRow / CalendarEntry, on the recorded fixtures."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.domain.disciplines import parse_discipline
from bot.domain.marks import parse_mark
from bot.sources.worldathletics import mapping, profiles, shapes
from bot.sources.worldathletics.calendar import calendar_entries, split_venue
from bot.sources.worldathletics.events import record_flags, round_of, wa_event
from bot.sources.worldathletics.people import display_name

FIXTURES = Path(__file__).parents[1] / "fixtures" / "worldathletics"
CALENDAR = "getCalendarEvents_2021-07-14_2022-06-26.json"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def day_rows(name: str, day: int = 1, cid: int | None = None):
    page = shapes.competition_results(load(name)["data"])
    cid = cid or page["parameters"]["competitionId"]
    entry = mapping.entry_from_results(cid, page)
    units = mapping.event_results(page, entry, day)
    return entry, units, [row for unit in units for row in unit.rows]


def by_athlete(rows, event=None):
    return {r.athlete: r for r in rows if event is None or r.event == event}


def test_calendar_of_the_real_response_finds_the_diamond_league_meetings():
    entries = calendar_entries(shapes.calendar_events(load(CALENDAR)["competitions"]["data"]))
    assert len(entries) == 951
    diamond = {e.source_id: e for e in entries if e.series == "Diamond League"}
    # 2021-07-14..2022-06-26: Eugene, Lausanne, Paris, Brussels, Zürich (final) in 2021; Doha,
    # Birmingham, Eugene, Rabat, Rome, Oslo, Paris in 2022. Rovereto and Bern share the group
    # but are category B/C meetings, not Diamond League ones.
    assert len(diamond) == 12
    oslo = diamond["7153968"]
    assert (oslo.name, oslo.venue, oslo.stadium, oslo.country) == ("Bislett Games", "Oslo", "Bislett Stadion", "NOR")
    assert oslo.start == oslo.end == date(2022, 6, 16) and oslo.days == 1
    eugene = diamond["7153964"]
    assert (eugene.venue, eugene.start, eugene.end, eugene.days) == ("Eugene", date(2022, 5, 27), date(2022, 5, 28), 2)
    assert eugene.day_of(date(2022, 5, 28)) == 2 and eugene.day_of(date(2022, 5, 29)) is None
    assert diamond["7147617"].category == "DF"  # Weltklasse 2021 hosted the final
    assert "7155936" not in diamond and "7158253" not in diamond
    olympics = [e for e in entries if e.series == "Olympic Games"]
    assert [(o.name, o.start) for o in olympics] == [("The XXXII Olympic Games", date(2021, 7, 30))]
    assert [e.name for e in entries if e.series == "World Indoor Championships"] == ["World Athletics Indoor Championships"]
    assert any(e.cancelled for e in entries)
    assert all(e.url.endswith(e.source_id) for e in entries)


def test_photo_finish_final_keeps_marks_as_printed_and_the_world_lead():
    entry, units, rows = day_rows("getCalendarCompetitionResults_9000001_day1.json")
    jakob, timothy = rows
    assert (jakob.athlete, jakob.mark, jakob.place, jakob.flags) == ("Jakob Ingebrigtsen", "3:29.74", 1, ("WL",))
    assert (timothy.athlete, timothy.mark, timothy.place, timothy.flags) == ("Timothy Cheruiyot", "3:29.77", 2, ())
    assert jakob.event == "1500m" and jakob.gender == "M" and jakob.round == "final" and jakob.race == 1
    assert jakob.athlete_id == "14653717" and jakob.id_scheme == "wa" and timothy.athlete_id == "14643526"
    assert jakob.birth_date == date(2000, 9, 19) and jakob.birth_year == 2000 and timothy.birth_date is None
    assert (jakob.date, jakob.competition, jakob.venue, jakob.country) == (date(2024, 5, 30), "Bislett Games", "Oslo", "NOR")
    assert (jakob.race_label, jakob.category, jakob.extra["discipline"]) == ("", "GW", "1500")
    assert (jakob.extra["given"], jakob.extra["family"], jakob.extra["name_as_printed"]) == (
        "Jakob", "Ingebrigtsen", "Jakob INGEBRIGTSEN")
    d = parse_discipline(jakob.event)
    assert parse_mark(d, jakob.mark).value < parse_mark(d, timothy.mark).value  # 0.03 s apart
    assert [u.event_id for u in units] == [900701]


def test_oslo_2022_every_event_maps():
    entry, units, rows = day_rows("getCalendarCompetitionResults_7153968_day1.json")
    assert {u.event_id for u in units} == {900100, 900101, 900102, 900103, 900104, 900105}
    assert {r.event for r in rows} == {"Mile", "5000m", "Long Jump", "100m", "4x100m"}
    for row in rows:  # everything the ingester will parse, parses
        assert parse_mark(parse_discipline(row.event), row.mark, strict=False)
    assert all(r.date == date(2022, 6, 16) and r.source.endswith("/7153968") for r in rows)
    mile = by_athlete(rows, "Mile")
    assert (mile["Jakob Ingebrigtsen"].mark, mile["Jakob Ingebrigtsen"].place) == ("3:46.46", 1)


def test_dnf_rows_have_no_place_and_diacritics_survive():
    _, _, rows = day_rows("getCalendarCompetitionResults_7153968_day1.json")
    k5 = by_athlete(rows, "5000m")
    nordas = k5["Narve Gilje Nordås"]
    assert (nordas.mark, nordas.place, nordas.country, nordas.athlete_id) == ("13:15.82", 9, "NOR", "14705412")
    assert "Elzan Bibić" in k5
    dnf = [r for r in k5.values() if r.mark == "DNF"]
    assert {r.athlete for r in dnf} == {"Wilberforce Chemiat Kones", "Filip Ingebrigtsen", "Sam Atkin"}
    assert all(r.place is None for r in dnf)


def test_relay_with_dnf_and_dq_in_one_race():
    _, units, rows = day_rows("getCalendarCompetitionResults_7174658_day1.json")
    teams = by_athlete(rows)
    assert list(teams) == ["Canada", "Great Britain & NI B", "Netherlands", "Scotland", "Wales",
                           "Great Britain & NI", "Poland"]
    assert (teams["Canada"].mark, teams["Canada"].place, teams["Canada"].event) == ("38.31", 1, "4x100m")
    assert (teams["Great Britain & NI"].mark, teams["Great Britain & NI"].place) == ("DNF", None)
    assert (teams["Poland"].mark, teams["Poland"].place, teams["Poland"].country) == ("DQ", None, "POL")
    assert all(r.athlete_id == "" for r in rows)  # a team is not a person
    assert (rows[0].series, rows[0].race_label, rows[0].category) == ("", "Promotional Events", "GW")
    assert rows[0].extra["competition_country"] == "GBR"


def test_relay_team_names_are_kept_as_printed():
    _, _, rows = day_rows("getCalendarCompetitionResults_7153968_day1.json")
    relay = by_athlete(rows, "4x100m")
    assert list(relay) == ["Netherlands", "IK Tjalve", "Norway"]
    assert (relay["Norway"].mark, relay["Norway"].place) == ("DQ", None)


def test_field_event_takes_each_results_own_wind():
    _, _, rows = day_rows("getCalendarCompetitionResults_7153968_day1.json")
    lj = [r for r in rows if r.event == "Long Jump"]
    assert [r.wind for r in lj[:4]] == [0.6, 1.1, -0.4, 0.0]
    assert (lj[0].athlete, lj[0].mark, lj[0].place) == ("Miltiadis Tentoglou", "8.10", 1)


def test_same_event_in_two_programmes_gets_separate_races_with_their_winds():
    _, units, rows = day_rows("getCalendarCompetitionResults_7153968_day1.json")
    sprint = [r for r in rows if r.event == "100m"]
    # The Diamond Discipline final and the national Final 1 / Final 2: three races, as the archive has them.
    assert {(r.race, r.wind, r.race_label) for r in sprint} == {
        (1, 0.5, ""), (2, 1.1, "National Events"), (3, 0.3, "National Events")}
    assert by_athlete(sprint)["Andre De Grasse"].race == 1 and by_athlete(sprint)["Elvis Afrifa"].race == 2
    assert all(r.round == "final" for r in sprint)
    national = next(u for u in units if u.event_id == 900104)
    assert {r.extra["wa_race"] for r in national.rows} == {"Final"}


def test_two_day_meeting_maps_each_day_with_its_date():
    _, units1, day1 = day_rows("getCalendarCompetitionResults_7153964_day1.json", day=1)
    _, units2, day2 = day_rows("getCalendarCompetitionResults_7153964_day2.json", day=2)
    assert {r.date for r in day1} == {date(2022, 5, 27)} and {r.date for r in day2} == {date(2022, 5, 28)}
    hj = by_athlete(day1, "High Jump")
    assert (hj["Yaroslava Mahuchikh"].gender, hj["Yaroslava Mahuchikh"].mark) == ("W", "2.00")
    assert by_athlete(day1, "1500m")["Timothy Cheruiyot"].mark == "3:35.17"
    assert {r.wind for r in day2 if r.event == "100m"} == {-0.2}
    assert {r.event for r in day2} == {"100m", "3000m SC"}
    assert all(r.race is None for r in day1 + day2)  # raceNumber 0: a single race
    assert not {u.event_id for u in units1} & {u.event_id for u in units2}


def test_digest_changes_only_when_the_event_changes():
    page = load("getCalendarCompetitionResults_7153964_day2.json")["data"]["getCalendarCompetitionResults"]
    entry = mapping.entry_from_results(7153964, page)
    before = {u.event_id: u.digest for u in mapping.event_results(page, entry, 2)}
    page["eventTitles"][0]["events"][1]["races"][0]["results"][0]["records"] = "MR"
    after = {u.event_id: u.digest for u in mapping.event_results(page, entry, 2)}
    assert before[900503] == after[900503] and before[900504] != after[900504]


def test_athlete_season_and_search_map():
    basic = shapes.competitor(load("getSingleCompetitor_14705412.json")["data"])
    season = shapes.competitor_results(load("getSingleCompetitorResultsDate_14705412_2022.json")["data"])
    rows = profiles.season_rows(basic, season, 14705412)
    oslo, stockholm = rows
    assert (oslo.athlete, oslo.event, oslo.mark, oslo.place, oslo.date) == ("Narve Gilje Nordås", "5000m", "13:15.82", 9, date(2022, 6, 16))
    assert (oslo.venue, oslo.round, oslo.athlete_id, oslo.country, oslo.gender) == ("Oslo", "final", "14705412", "NOR", "M")
    assert oslo.extra["wa_competition_id"] == "7153968" and oslo.source.endswith("/7153968")
    assert (stockholm.event, stockholm.mark, stockholm.venue, stockholm.source) == ("3000m", "7:44.28", "Stockholm", "")
    [hit] = [profiles.competitor(i) for i in shapes.search_competitors(load("searchCompetitors_nordas.json")["data"])]
    assert (hit.wa_id, hit.name, hit.country, hit.gender) == ("14705412", "Narve Gilje Nordås", "NOR", "M")


def test_relay_members_come_from_the_summary():
    event = {"event": "Men's 4x400 Metres Relay", "eventId": 1, "gender": "M", "isRelay": True,
             "races": [{"race": "Final", "raceNumber": 1, "day": 1,
                        "results": [{"competitor": {"name": "Team A"}, "mark": "3:00.00", "place": "1."}]}],
             "summary": [{"competitor": {"name": "Team A", "teamMembers": [
                 {"name": "Runner ONE", "id": 11}, {"name": "Runner TWO", "id": 12}]}}]}
    page = {"competition": {"name": "Test", "startDate": "2024-01-01"}, "eventTitles": [{"events": [event]}]}
    [unit] = mapping.event_results(page, mapping.entry_from_results(1, page), 1)
    assert unit.rows[0].extra["members"] == [{"name": "Runner One", "wa_id": "11"}, {"name": "Runner Two", "wa_id": "12"}]


@pytest.mark.parametrize("name, gender, event", [
    ("1500 Metres Men", "M", "1500m"), ("High Jump Women", "W", "High Jump"), ("Men's One Mile", "M", "Mile"),
    ("Women's 4x100 Metres Relay", "W", "4x100m"), ("3000 Metres Steeplechase Women", "W", "3000m SC"),
    ("20 Kilometres Race Walk Men", "M", "20 km walk"), ("Men's 10,000 Metres", "M", "10,000m"),
    ("400 Metres Hurdles Women", "W", "400m hurdles"), ("Discus Throw Men", "M", "Discus"),
    ("4x400 Metres Relay Mixed", "X", "4x400m"), ("Distance Medley Relay Men", "M", "Distance Medley Relay"),
])
def test_wa_event_names(name, gender, event):
    found = wa_event(name)
    assert (found.gender, found.event) == (gender, event)
    if found.discipline:
        assert parse_discipline(found.event) == found.discipline


def test_small_vocabularies():
    assert record_flags("WL, MR") == ("WL", "MR") and record_flags("DLR WL") == ("DLR", "WL")
    assert record_flags("=PB") == ("PB",) and record_flags("ER") == ("AR",) and record_flags(None) == ()
    assert [round_of(t) for t in ("Final", "Semifinal - Heat", "Round 1 - Heat", "Qualification")] == \
        ["final", "semi-final", "heat", "heat"]
    assert display_name("Narve Gilje NORDÅS") == "Narve Gilje Nordås"
    assert display_name("Sydney MCLAUGHLIN-LEVRONE") == "Sydney McLaughlin-Levrone"
    assert display_name("Andre DE GRASSE") == "Andre De Grasse"
    assert split_venue("Hamburg (GER)") == ("", "Hamburg", "GER")
    # Cities as the archive names them, or the importer would keep two meetings apart.
    assert split_venue("Hayward Field, Eugene, OR (USA)") == ("Hayward Field", "Eugene", "USA")
    assert split_venue("Stadio Olimpico, Roma (ITA)") == ("Stadio Olimpico", "Rome", "ITA")
