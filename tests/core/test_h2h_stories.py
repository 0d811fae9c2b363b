"""The rivalry paragraph tells the facts a writer would, each one worked out here from the meetings
the reply lists (its --json data), over real rivalries of the bundled data."""
from __future__ import annotations

import re

import pytest

from bot.commands.registry import Context
from bot.h2h.prose import count_word

RIVALRIES = [("Josh Kerr", "Jakob Ingebrigtsen"), ("Jakob Ingebrigtsen", "Timothy Cheruiyot"),
             ("Neeraj Chopra", "Jakub Vadlejch"), ("Shericka Jackson", "Elaine Thompson-Herah"),
             ("Sandra Perković", "Yaimé Pérez"), ("Femke Bol", "Dalilah Muhammad")]
CHAMPIONSHIP = re.compile(r"^(World (Athletics )?Championships|IAAF World Championships|Olympic Games|European Championships)$")


async def story(core, a: str, b: str):
    reply = await core.handle_text(f'/h2h "{a}" "{b}"', Context())
    assert reply.data is not None, reply.plain_text()
    text = " ".join(p.text for p in reply.paragraphs)
    family = {side: reply.data[side]["name"].split()[-1] for side in "ab"}
    return reply.data, text, family


def opening_run(meetings: list[dict]) -> tuple[str, int]:
    first = meetings[0]["winner"]
    n = 0
    for m in meetings:
        if m["winner"] != first:
            break
        n += 1
    return first, n


def closing_run(meetings: list[dict]) -> tuple[str, int]:
    return opening_run(meetings[::-1])


@pytest.mark.parametrize("a,b", RIVALRIES)
async def test_a_run_that_opened_the_rivalry_is_told_with_its_length(shared_core, a, b):
    data, text, family = await story(shared_core, a, b)
    meetings = sorted(data["meetings"], key=lambda m: m["date"])
    first, opened = opening_run(meetings)
    last, closed = closing_run(meetings)
    if first and last and first != last:  # the rivalry turned: who started it, for how long
        told = "their first meeting" if opened == 1 else f"their first {count_word(opened)} meetings"
        assert f"{family[first]} won {told}" in text, text
        assert f"{family[last]} has won the last {count_word(closed) if closed > 1 else 'one'}" in text, text
    else:
        assert "won their first" not in text, text


@pytest.mark.parametrize("a,b", RIVALRIES)
async def test_a_single_championship_final_is_named_as_one(shared_core, a, b):
    data, text, family = await story(shared_core, a, b)
    finals = [m for m in data["meetings"] if m["round"] == "Final" and CHAMPIONSHIP.match(m["competition"])]
    if len(finals) == 1 and len(data["meetings"]) > 1:
        f = finals[0]
        kind = {"Olympic Games": "Olympic", "European Championships": "European"}.get(f["competition"], "world")
        assert f"Their one championship final, the {f['date'][:4]} {kind} final in {f['venue']}, went to " \
               f"{family[f['winner']]}." in text, text
    else:
        assert "Their one championship final" not in text


async def test_kerr_and_ingebrigtsen_met_in_one_world_final_in_budapest(shared_core):
    data, text, _ = await story(shared_core, "Josh Kerr", "Jakob Ingebrigtsen")
    assert any(m["venue"] == "Budapest" and m["round"] == "Final" for m in data["meetings"])
    assert "the 2023 world final in Budapest, went to Kerr" in text


@pytest.mark.parametrize("a,b", [("Neeraj Chopra", "Jakub Vadlejch"), ("Sandra Perković", "Yaimé Pérez")])
async def test_field_margins_of_a_metre_or_more_are_in_metres(shared_core, a, b):
    data, text, _ = await story(shared_core, a, b)
    margins = [m["margin"] for m in data["meetings"] if m["margin"].endswith(" m") or m["margin"].endswith(" cm")]
    assert margins, data["meetings"]
    for margin in margins:
        number = float(margin.split()[0])
        assert (margin.endswith(" cm") and number < 100) or (margin.endswith(" m") and number >= 1), margin
    assert not re.search(r"\b\d{3,} cm\b", text), text


async def test_a_rival_without_a_mark_is_said_in_words(shared_core):
    data, text, family = await story(shared_core, "Shericka Jackson", "Elaine Thompson-Herah")
    unfinished = [m for m in data["meetings"] if m["b"]["status"] == "DQ" and m["winner"] == "a"]
    assert unfinished
    assert f"while {family['b']} was disqualified" in text and "to DQ" not in text


async def test_the_same_name_twice_lists_its_namesakes_once(shared_core):
    reply = await shared_core.handle_text("/h2h Kerr Kerr", Context())
    text = reply.plain_text()
    assert reply.error and text.count("Josh Kerr (GBR") == 1 and text.count("Hamish Kerr (NZL") == 1, text
