"""What a card shows beyond the words: the country table, World Athletics links and record badges,
and the kind of reply each answer is (its colour), over the bundled data."""
from __future__ import annotations

import csv
import sqlite3

import pytest

from bot.commands.registry import Context
from bot.domain import countries
from bot.domain.countries import alpha2_codes, flag, flag_or_code
from bot.domain.people import profile_url
from raw_archive import archive_race, person

CTX = Context(user_id="t", is_admin=True)
TABLE = countries.__file__.replace("countries.py", "countries.csv")


def test_the_country_table_is_well_formed_and_names_its_sources():
    text = open(TABLE, encoding="utf-8").read()
    head = "".join(line for line in text.splitlines(True) if line.startswith("#"))
    for source in ("IOC", "World Athletics", "ISO 3166-1 alpha-2"):
        assert source in head
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) > 200
    for r in rows:
        assert len(r["code"]) == 3 and r["code"].isascii() and r["code"].isupper(), r
        assert r["alpha2"] == "" or (len(r["alpha2"]) == 2 and r["alpha2"].isascii() and r["alpha2"].isupper()), r
        assert r["name"], r
    assert len(set(r["alpha2"] for r in rows if r["alpha2"])) >= 200  # nearly one flag per code


def test_a_flag_is_the_regional_indicator_pair_of_the_alpha2_code():
    assert flag("NOR") == "\U0001F1F3\U0001F1F4" and flag("GER") == "\U0001F1E9\U0001F1EA"  # DE, not GE
    assert flag("SUI") == "\U0001F1E8\U0001F1ED" and flag("nor") == flag("NOR")
    for code, alpha2 in alpha2_codes().items():
        if alpha2:
            assert [ord(c) - 0x1F1E6 + ord("A") for c in flag(code)] == [ord(c) for c in alpha2]


@pytest.mark.parametrize("code", ["AIN", "URS", "GDR", "ANA", "FRG", "TCH", "YUG", "TPE", "ART", "INT", "XYZ", ""])
def test_codes_without_a_flag_show_the_code(code):
    assert flag(code) == "" and flag_or_code(code) == code


def test_every_country_in_the_bundled_data_is_in_the_table(whole_db):
    with sqlite3.connect(f"file:{whole_db}?mode=ro", uri=True) as conn:
        held = {c for (c,) in conn.execute("SELECT DISTINCT country FROM athletes WHERE country != ''")}
    assert len(held) > 100
    assert sorted(held - set(alpha2_codes())) == []


@pytest.mark.parametrize("given, url", [
    ("14653717", "https://worldathletics.org/athletes/_/14653717"),
    ("007", "https://worldathletics.org/athletes/_/7"),
    ("", ""), ("12ab", ""), ("1/../../x", ""), ("\u0661\u0662\u0663", ""),  # Arabic-Indic digits
    ("1" * 13, ""), ("-5", ""), ("14653717)", ""),
])
def test_a_link_only_where_the_id_is_a_world_athletics_number(given, url):
    assert profile_url(given) == url


async def test_results_card_links_the_podium_and_says_what_kind_of_result(shared_core):
    reply = await shared_core.handle_text("/results athletissima 2022 1500m men", CTX)
    assert not reply.error and reply.kind == "result"
    _, rows = archive_race("2022_36", "M", "1500m")  # the archive's own file, with its ids
    podium = [(person(r["athlete"]), r["id"]) for r in rows if r["place"].strip(". ") in ("1", "2", "3")]
    assert [(p.name.casefold(), p.profile) for p in reply.people] == [  # the archive writes "Mcsweyn"
        (name.casefold(), f"https://worldathletics.org/athletes/_/{wa_id}") for name, wa_id in podium]
    nat = next(c for c in reply.table.columns if c.title == "Nat")
    assert nat.kind == "country"


async def test_a_partial_field_and_records_are_kinds_of_their_own(shared_core):
    bislett = await shared_core.handle_text("/results oslo 2024 1500m men", CTX)
    assert bislett.kind == "partial"  # known from the entrants' histories only
    assert [(b.code, b.text) for b in bislett.badges] == [("WL", "Jakob Ingebrigtsen 3:29.74")]
    kerr = await shared_core.handle_text("/athlete Josh Kerr", CTX)
    # The seed article gives these flags; badges come in record order, one result's together.
    assert [b.code for b in kerr.badges] == ["NR", "WL", "PB", "WR"]
    assert len(kerr.people) == 1 and kerr.people[0].country == "GBR" and kerr.people[0].profile
