"""Two stored athletes who are one person: a married name, a new country (issue 12)."""
from bot.ingest.same_athlete import Identity, merges, one_person


def identity(athlete, name, scheme, rows, *, gender="W", year=1990, born=None, last="2022-09-08"):
    return Identity(athlete, name, frozenset({scheme}), gender, year, born, last, rows)


ARCHIVE = {1: (1, 68.31, ""), 2: (1, 67.10, ""), 3: (2, 65.02, ""), 4: (3, 64.00, "")}
SAME_THREE = {1: (1, 68.31, ""), 2: (1, 67.10, ""), 3: (2, 65.02, ""), 9: (1, 66.00, "")}


def test_three_races_alike_from_two_sources_are_one_person_whatever_the_names():
    perkovic = identity(10, "Sandra Perković", "wa", ARCHIVE)
    elkasevic = identity(20, "Sandra Elkasević", "tilastopaja", SAME_THREE, born="1990-06-21", last="2024-06-08")
    assert one_person(perkovic, elkasevic)
    assert merges([(perkovic, elkasevic)]) == [(perkovic, elkasevic)]


def test_near_misses_stay_two_athletes():
    perkovic = identity(10, "Sandra Perković", "wa", ARCHIVE)
    # three ties with her, and one race where both stand with different rows: two people
    rival = identity(20, "Anna Rival", "tilastopaja", {**SAME_THREE, 4: (4, 63.10, "")})
    assert not one_person(perkovic, rival)
    two = {1: (1, 68.31, ""), 2: (1, 67.10, "")}  # twice alike, and nothing in the names alike
    assert not one_person(perkovic, identity(20, "Anna Rival", "tilastopaja", two))
    assert not one_person(perkovic, identity(20, "Sandra Elkasević", "wa", SAME_THREE))  # one source: two people
    assert not one_person(perkovic, identity(20, "Sandra Elkasević", "tilastopaja", SAME_THREE, gender="M"))
    assert not one_person(perkovic, identity(20, "Sandra Elkasević", "tilastopaja", SAME_THREE, year=1991))
    # with no place (a pacer, a non-finisher) or no mark, rows alike say nothing
    unplaced = {r: (None, None, "DNF") for r in ARCHIVE}
    assert not one_person(identity(10, "A Pacer", "wa", unplaced), identity(20, "B Pacer", "tilastopaja", unplaced))


def test_twice_alike_is_enough_when_the_names_are_alike_and_born_the_same_year():
    fifa = identity(10, "Ilias Fifa", "wa", ARCHIVE, gender="M", year=1989)
    two = {1: (1, 68.31, ""), 2: (1, 67.10, "")}
    assert one_person(fifa, identity(20, "Ilias Fifa", "tilastopaja", two, gender="M", year=1989))
    assert one_person(identity(10, "Domnic Lokinyomo Lobalu", "wa", ARCHIVE, gender="M"),
                      identity(20, "Dominic Lokinyomo Lobalu", "tilastopaja", two, gender="M"))
    assert not one_person(fifa, identity(20, "Ilias Fifa", "tilastopaja", two, gender="M", year=None))


def test_an_athlete_fitting_two_others_is_neither():
    perkovic = identity(10, "Sandra Perković", "wa", ARCHIVE)
    twin = identity(11, "Sandra Perković", "wa", ARCHIVE)  # a namesake the archive knows apart
    elkasevic = identity(20, "Sandra Elkasević", "tilastopaja", SAME_THREE)
    assert merges([(perkovic, elkasevic), (twin, elkasevic)]) == []
