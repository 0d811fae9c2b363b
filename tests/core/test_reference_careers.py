"""`/h2h` on the embedded default agrees with a counter written apart from racebot over whole
careers: the Rome 2024 entrants' histories and the Diamond League archive (issue 12)."""
from __future__ import annotations

import random
from collections import defaultdict

import pytest

from reference_careers import careers, category
from reference_h2h import folded

from bot.commands.registry import Context

PER_STRATUM = 30  # 4 categories x 2 genders: 240 pairs


def strata(c) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Pairs of entrants who met, by the category of the event they met in most, and gender;
    only pairs whose names say who they are (one identity per folded name, archive included)."""
    identities = defaultdict(set)
    for rid, name in c.names.items():
        identities[folded(name)].add(rid)
    for e in c.entrants.values():
        identities[folded(e.name)].add(e.who)
    entrant = {e.who: e for e in c.entrants.values()}
    out = defaultdict(list)
    for pair in sorted(c.records):
        a, b = (entrant[w] for w in pair)
        if len(identities[folded(a.name)]) == 1 and len(identities[folded(b.name)]) == 1:
            event = max(sorted(c.events[pair].items()), key=lambda kv: kv[1])[0]
            out[(category(event), a.gender)].append(pair)
    return out


@pytest.mark.slow  # the reference reads every career and the archive: about 10 s
async def test_h2h_agrees_with_a_reference_over_whole_careers(shared_core):
    c = careers()
    groups = strata(c)
    rng = random.Random(20240607)
    sample = [pair for key in sorted(groups) for pair in rng.sample(groups[key], min(PER_STRATUM, len(groups[key])))]
    sizes = {key: min(PER_STRATUM, len(groups[key])) for key in sorted(groups)}
    assert len(sizes) == 8 and min(sizes.values()) >= 25 and len(sample) >= 200, sizes

    entrant = {e.who: e for e in c.entrants.values()}
    ambiguous, wrong = [], []
    for pair in sample:
        a, b = (entrant[w] for w in pair)
        reply = await shared_core.handle_text(f'/h2h "{a.name}" "{b.name}"', Context())
        got = reply.data
        if got is None:  # a name nobody answers to: wrong, not ambiguous
            wrong.append((a.name, b.name, reply.plain_text()[:80]))
            continue
        if got["guessed"]:
            ambiguous.append((a.name, b.name))
            continue
        named = [folded(got[side]["name"]) in (folded(e.name), folded(c.names.get(e.who, e.name)))
                 for side, e in (("a", a), ("b", b))]
        w = c.records[pair]
        expected = (w["a"], w["b"], w[""], sum(w.values()))
        answer = (got["wins"]["a"], got["wins"]["b"], got["ties"], len(got["meetings"]))
        if not all(named) or answer != expected:
            wrong.append((a.name, b.name, got["a"]["name"], got["b"]["name"], answer, expected))
    print(f"reference sample: {len(sample)} pairs {sizes}; ambiguous in racebot: {len(ambiguous)} {ambiguous}")
    assert len(ambiguous) <= len(sample) // 20, ambiguous
    assert not wrong, "\n".join(map(str, wrong))


# Disagreements the reference found over all 32,128 pairs of entrants who met (racebot was wrong in
# each), kept as tests once fixed.
async def test_two_finals_of_one_day_in_one_history_race_are_two_races(shared_core):
    reply = await shared_core.handle_text('/h2h "Karsten Warholm" "Joshua Abuaku"', Context())
    assert "2021-09-09" not in [m["date"] for m in reply.data["meetings"]]  # Abuaku ran the promotional race


# (histories' names, archive's names, the reference's record: wins a, wins b, meetings)
LINKED = [(("Alexis Copello", "Pedro Pablo Pichardo"), ("Alexis Copello", "Pedro Pichardo"), (4, 22, 26)),
          (("Calli Hauger-Thackery", "Hanna Klein"), ("Calli Thackery", "Hanna Klein"), (0, 1, 1)),
          # Līna Mūze's Rome 2013, where Ratej's 62.29 was annulled, is no meeting
          (("Martina Ratej", "Līna Mūze-Sirmā"), ("Martina Ratej", "Līna Mūze"), (8, 9, 17))]


async def record_of(core, a: str, b: str):
    reply = await core.handle_text(f'/h2h "{a}" "{b}"', Context())
    assert reply.data is not None, reply.plain_text()
    return reply.data["wins"]["a"], reply.data["wins"]["b"], len(reply.data["meetings"])


@pytest.mark.parametrize("archive,record", [(n, r) for _, n, r in LINKED])
async def test_a_history_name_adding_a_middle_or_married_name_counts_the_archive_athletes_races(
        shared_core, archive, record):
    assert await record_of(shared_core, *archive) == record


@pytest.mark.parametrize("histories,record", [(h, r) for h, _, r in LINKED])
async def test_an_athlete_answers_to_the_name_the_histories_give(shared_core, histories, record):
    assert await record_of(shared_core, *histories) == record


# One athlete under two identities, merged (a married name, a new country): (the histories' names,
# the archive's, the reference's record: wins a, wins b, meetings).
MERGED = [(("Sandra Elkasević", "Mélina Robert-Michon"), ("Sandra Perković", "Mélina Robert-Michon"), (86, 4, 90)),
          (("Justyna Święty-Ersetic", "Natalia Bukowiecka"), ("Justyna Święty-Ersetic", "Natalia Kaczmarek"),
           (14, 12, 26)),
          (("Nikola Ogrodníková", "Christin Maurer"), ("Nikola Ogrodníková", "Christin Hussong"), (11, 24, 35)),
          (("Ilias Fifa", "Adel Mechaal"), ("Ilias Fifa", "Adel Mechaal"), (13, 13, 26)),  # MAR, then ESP
          (("Daniel Arce", "Thierry Ndikumwenayo"), ("Daniel Arce", "Thierry Ndikumwenayo"), (1, 15, 16)),
          (("Dominic Lokinyomo Lobalu", "Tadesse Abraham"), ("Domnic Lokinyomo Lobalu", "Tadesse Abraham"),
           (13, 7, 20))]


@pytest.mark.parametrize("histories,archive,record", MERGED)
async def test_one_athlete_under_two_identities_answers_to_both_names_and_counts_once(
        shared_core, histories, archive, record):
    assert await record_of(shared_core, *histories) == record
    assert await record_of(shared_core, *archive) == record
    reply = await shared_core.handle_text(f'/h2h "{archive[0]}" "{archive[1]}"', Context())
    shown = (reply.data["a"]["name"], reply.data["b"]["name"])
    assert list(map(folded, shown)) == list(map(folded, histories))  # the newer name is shown
    meetings = [(m["date"], m["event"]) for m in reply.data["meetings"]]
    assert len(meetings) == len(set(meetings))  # no race counted twice


async def test_a_new_country_is_shown(shared_core):
    reply = await shared_core.handle_text('/athlete "Ilias Fifa"', Context())
    assert reply.data["athlete"]["country"] == "ESP"
