import pytest

from bot.search.names import fold, split_name


@pytest.mark.parametrize("raw,display,family", [
    ("Jakob INGEBRIGTSEN", "Jakob Ingebrigtsen", "Ingebrigtsen"),
    ("N'Ketia SEEDO", "N'Ketia Seedo", "Seedo"),
    ("Chris O'HARE", "Chris O'Hare", "O'Hare"),
    ("Narve Gilje NORDÅS", "Narve Gilje Nordås", "Nordås"),
    ("Katarina JOHNSON-THOMPSON", "Katarina Johnson-Thompson", "Johnson-Thompson"),
    ("Sydney McLAUGHLIN", "Sydney McLaughlin", "McLaughlin"),
    ("Josh Kerr", "Josh Kerr", "Kerr"),
])
def test_archive_capitals_become_names_as_people_write_them(raw, display, family):
    shown, _, fam = split_name(raw)
    assert (shown, fam) == (display, family)


def test_fold_removes_accents_and_case():
    assert fold("Nordås") == fold("NORDAS") == "nordas"
    assert fold("Holuša") == "holusa"


async def test_resolution_is_accent_case_and_typo_tolerant(shared_core):
    idx = shared_core.indexes.athletes
    name = lambda q: idx.stats[idx.candidates(q)[0].athlete_id].athlete.name
    assert name("nordas") == "Narve Gilje Nordås"
    assert name("NARVE GILJE NORDAS") == "Narve Gilje Nordås"
    assert "Ingebrigtsen" in name("ingebritsen")
    assert name("jakob ingebrigtsen") == "Jakob Ingebrigtsen"
    assert name("Ingebrigtsen Jakob") == "Jakob Ingebrigtsen"
    assert name("j ingebrigtsen") == "Jakob Ingebrigtsen"
    initials = {idx.stats[c.athlete_id].athlete.name for c in idx.candidates("JI") if c.score >= 95}
    assert "Jakob Ingebrigtsen" in initials  # among Jessica Inchude, Job Ijtsma...: the reply lists them


async def test_surnames_are_ambiguous_in_the_bundled_data(shared_core):
    idx = shared_core.indexes.athletes
    names = lambda q: {idx.stats[c.athlete_id].athlete.name for c in idx.candidates(q) if c.score >= 95}
    assert names("Kerr") == {"Josh Kerr", "Hamish Kerr"}
    assert names("Ingebrigtsen") == {"Henrik Børkja Ingebrigtsen", "Filip Ingebrigtsen", "Jakob Ingebrigtsen"}
    assert {"Timothy Cheruiyot", "Vivian Jepkemoi Cheruiyot", "John Kemboi Cheruiyot"} <= names("Cheruiyot")


def test_letters_without_a_decomposition_fold_like_their_ascii_spelling():
    assert fold("Przybyłko") == fold("Przybylko") == "przybylko"
    assert fold("Bjørkja") == "bjorkja" and fold("Đorđe") == "dorde"
    assert fold("Hjortnæs") == "hjortnaes" and fold("Weißhaidinger") == "weisshaidinger"


def test_a_surname_in_capitals_may_hold_an_eszett():
    assert split_name("Lukas WEIßHAIDINGER")[0] == "Lukas Weißhaidinger"
    assert split_name("Max HEß")[2] == "Heß"


def _found(idx, query):
    return [idx.stats[c.athlete_id].athlete.name for c in idx.candidates(query)]


@pytest.mark.parametrize("typed,stored", [
    ("Przybyłko", "Mateusz Przybylko"),  # typed with ł, stored without
    ("Malachowski", "Piotr Małachowski"),  # and back
    ("Grovdal", "Karoline Bjerkeli Grøvdal"),
    ("Bjornar Ustad Kristensen", "Bjørnar Ustad Kristensen"),
    ("Tormod Hjortnaes Larsen", "Tormod Hjortnæs Larsen"),
    ("Weisshaidinger", "Lukas Weißhaidinger"),
    ("Hess", "Max Heß"),
])
async def test_special_letters_find_the_athlete_both_ways(shared_core, typed, stored):
    assert _found(shared_core.indexes.athletes, typed)[0] == stored


@pytest.mark.parametrize("typed,stored", [
    ("Hołub-Kowalk", "Małgorzata Hołub-Kowalik"),
    ("Holb-Kowalik", "Małgorzata Hołub-Kowalik"),
    ("Campbel-Brown", "Veronica Campbell-Brown"),
    ("Campbell-Bown", "Veronica Campbell-Brown"),
    ("Witek-Konofl", "Marcelina Witek-Konofał"),
    ("Van Niekrek", "Wayde Van Niekerk"),
    ("Wayde Van Neikerk", "Wayde Van Niekerk"),
    ("Sani Brwn", "Abdul Hakim Sani Brown"),
    ("De Grase", "Andre De Grasse"),
    ("Saidy Ndre", "Jaysuma Saidy Ndure"),
])
async def test_hyphenated_and_two_word_surnames_survive_one_typo(shared_core, typed, stored):
    assert _found(shared_core.indexes.athletes, typed)[0] == stored


def test_an_empty_athlete_field_offers_the_most_prominent_and_follows_a_change():
    from datetime import date

    from bot.domain.models import Athlete
    from bot.search.athletes import AthleteIndex
    from bot.store import AthleteStat

    def stat(i: int, results: int) -> AthleteStat:
        return AthleteStat(Athlete(i, f"Runner {i}", "Runner", f"N{i}", "NOR", "M"), results, date(2024, 6, 1), ("1500",))

    index = AthleteIndex()
    index.load([stat(i, i * 3 % 97) for i in range(1, 300)], date(2024, 6, 1))
    by_hand = sorted(index.stats, key=index.prominence, reverse=True)
    assert [index.prominence(i) for i in index.complete("", {}, 25)] == [index.prominence(i) for i in by_hand[:25]]
    index.update({500: stat(500, 1000)}, {}, date(2024, 6, 1))  # a newcomer who raced more than anyone
    assert index.complete("", {}, 5)[0] == 500


def test_a_large_group_of_namesakes_is_cut_by_a_ranking_that_follows_changes():
    """Hundreds share a surname at a million results: a typo or a surname search ranks the group
    once and keeps the ranking, until a member's prominence or the day moves."""
    from datetime import date

    from bot.domain.models import Athlete
    from bot.search.athletes import RANKED_FROM, AthleteIndex
    from bot.store import AthleteStat

    day = date(2024, 6, 1)

    def stat(i: int, results: int, last: date = day) -> AthleteStat:
        return AthleteStat(Athlete(i, f"Runner{i % 7} Kerr", f"Runner{i % 7}", "Kerr", "NOR", "M"), results, last,
                           ("1500",))

    def fresh(stats: list[AthleteStat], today: date) -> AthleteIndex:
        index = AthleteIndex()
        index.load(stats, today)
        return index

    stats = {i: stat(i, i * 7 % 50) for i in range(1, RANKED_FROM * 3)}
    live = fresh(list(stats.values()), day)
    for typed in ("Kerr", "Kerrr", "Runner3 Kerr", "Runner3 Ker", "R Kerr"):
        assert live.candidates(typed, 3) == fresh(list(stats.values()), day).candidates(typed, 3)
    renamed = AthleteStat(Athlete(12, "Zed Kerr", "Zed", "Kerr", "NOR", "M"), 3, day, ("1500",))
    changes = [({5: stat(5, 400)}, day), ({5: stat(5, 1)}, day), ({9: None}, day), ({12: renamed}, day),
               ({11: stat(11, 60, date(2016, 1, 1))}, date(2025, 3, 1))]
    for change, today in changes:
        live.update(change, {}, today)
        stats.update(change)
        held = [s for s in stats.values() if s is not None]
        for typed in ("Kerr", "Kerrr", "Runner3 Kerr", "Runner4 Ker", "R Kerr", "Zed Ker", "Runner5 Ker"):
            assert live.candidates(typed, 3) == fresh(held, today).candidates(typed, 3), (change, typed)
        assert live.complete("", {}, 5) == fresh(held, today).complete("", {}, 5)
    assert live.candidates("Kerr", 1)[0].athlete_id != 5  # back to one result: no longer first
    assert [c.athlete_id for c in live.candidates("Zed Ker", 3)] == [12]  # a typo's given names follow a rename
    assert 12 not in {c.athlete_id for c in live.candidates("Runner5 Ker", 50)}


def test_a_typo_reaches_only_lengths_the_cutoff_allows_and_every_one_of_them():
    """A run of one letter scores the most any text of its length can against another run:
    fuzz.ratio itself says which lengths may reach the cutoff."""
    from rapidfuzz import fuzz

    from bot.search.athletes import FUZZY_CUTOFF, reachable_lengths

    for n in range(1, 60):
        reachable = [m for m in range(1, 3 * n) if fuzz.ratio("a" * n, "a" * m) >= FUZZY_CUTOFF]
        assert list(reachable_lengths(n)) == reachable, n


def test_a_typo_search_by_length_finds_what_one_search_of_the_first_letter_finds():
    """Surnames grouped by first letter and length: the same five, in the same order (ties in
    alphabetical order, as one search of the letter's sorted surnames gives them), after live
    changes as after a build."""
    import random
    from datetime import date

    from rapidfuzz import fuzz, process

    from bot.domain.models import Athlete
    from bot.search.athletes import FUZZY_CUTOFF, AthleteIndex
    from bot.store import AthleteStat

    rng = random.Random(15)
    day = date(2024, 6, 1)

    def mangle(word: str) -> str:
        i = rng.randrange(1, len(word) + 1)
        return rng.choice([word[:i] + word[i + 1:], word[:i] + rng.choice("aeiknr") + word[i:],
                           word[:i] + rng.choice("aeiknr") + word[i + 1:]])

    stems = ["kerr", "kemboi", "kipchoge", "kowalik", "kerr-smith", "koech", "ki"]
    surnames = sorted({mangle(mangle(s)) for s in stems for _ in range(40)} | {f"kerr{c}" for c in "abcdefgh"}
                      | {"ker", "kerrr", "k"} | set(stems))
    surnames = [s for s in surnames if s.startswith("k") and " " not in s]

    def stat(i: int, family: str) -> AthleteStat:
        return AthleteStat(Athlete(i, f"Ann {family.title()}", "Ann", family.title(), "NOR", "W"), 1 + i % 5, day, ("1500",))

    def check(index: AthleteIndex) -> int:
        letter = sorted(f for f in index.dump()["tables"][1] if f.startswith("k"))
        compared = 0
        for typed in sorted({mangle(s) for s in stems * 30} | set(stems) | {"kerr", "kerrq", "kr"}):
            expected = [(name, score) for name, score, _ in process.extract(
                typed, letter, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF)]
            assert index._like(typed) == expected, typed
            compared += bool(expected)
        return compared

    stats = [stat(i, family) for i, family in enumerate(surnames, start=1)]
    live = AthleteIndex()
    live.load(stats, day)
    assert check(live) > 50  # most typed names have matches: the comparison is not of empty lists
    # the comparison covers a tie cut short: more surnames score as the fifth than the five hold
    fifth = live._like("kerr")[-1][1]
    assert sum(fuzz.ratio("kerr", f) == fifth for f in surnames) > [s for _, s in live._like("kerr")].count(fifth)
    gone = {s.athlete.id: None for s in stats[::3]}
    added = {1000 + i: stat(1000 + i, mangle(rng.choice(stems))) for i in range(60)}
    live.update({**gone, **added}, {}, day)
    held = [s for s in stats if s.athlete.id not in gone] + list(added.values())
    fresh = AthleteIndex()
    fresh.load(held, day)
    assert live.dump()["families"] == fresh.dump()["families"]
    check(live)
