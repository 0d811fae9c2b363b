"""Cards on Discord through discord.py and the fake Discord: flags, World Athletics links, record
badges, colour by kind of result, the embed's timestamp; and data can still make no link or ping."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from adapters.cards import ACCENTS, BADGE_MARKS
from adapters.discord.render import PROFILES, render
from bot.domain.countries import flag
from bot.replies import Moment, Paragraph, Person, Reply
from fake_discord import FakeDiscord
from results_only import core, db_copy  # noqa: F401 (the hostile-names test imports into its own copy)
from test_discord_adapter import ask, code_lines, opt

WA = "https://worldathletics.org/athletes/_/"
URL = re.compile(r"https?://[^\s)\]]+")


async def test_a_results_card_has_flags_links_and_its_kinds_colour(fake: FakeDiscord, discord_adapter):
    got, _ = await ask(fake, fake.interaction("results", [opt("competition", "athletissima 2022"),
                                                          opt("event", "1500m"), opt("gender", "men")]))
    data = got.body["data"]
    embeds = data["embeds"]
    assert {e["color"] for e in embeds} == {ACCENTS["result"][0]}
    winner = code_lines(embeds)[0]  # the first card's first line: place, name, country
    assert "Jakob Ingebrigtsen" in winner and flag("NOR") in winner and "NOR" not in winner
    links = next(f for e in embeds for f in e.get("fields", []) if f["name"] == PROFILES)["value"]
    assert links.startswith(f"{flag('NOR')} [Jakob Ingebrigtsen]({WA}14653717)")  # the archive's id
    assert len(re.findall(re.escape(WA), links)) == 3  # the podium


async def test_an_athlete_card_links_its_title_and_shows_badges(fake: FakeDiscord, discord_adapter):
    got, _ = await ask(fake, fake.interaction("athlete", [opt("name", "Josh Kerr")]))
    embed = got.body["data"]["embeds"][0]
    assert embed["title"] == f"{flag('GBR')} Josh Kerr" and embed["url"] == f"{WA}14533464"
    lines = embed["description"].split("\n")
    # The seed article's flags: the WR at Millrose, and NR WL PB in the Bowerman Mile.
    assert f"{BADGE_MARKS['WR']} **WR** 2 Miles (indoor) 8:00.67, Millrose Games 2024" in lines
    assert any(line.startswith(f"{BADGE_MARKS['NR']} **NR** {BADGE_MARKS['WL']} **WL**") for line in lines)


async def test_names_from_data_make_no_link_and_no_ping(fake: FakeDiscord, make_adapter, core):
    from bot.ingest.importer import import_rows
    from bot.ingest.interchange import read_csv

    csv = ("date,competition,venue,event,gender,place,athlete,country,mark,athlete_id\n"
           "2024-06-06,Card Meeting,Rome,1500m,M,1,[Prize](https://evil.example) @everyone,URS,3:31.00,999\n"
           "2024-06-06,Card Meeting,Rome,1500m,M,2,<@123456789012345678> **Bold**,GBR,3:31.50,12ab\n"
           "2024-06-06,Card Meeting,Rome,1500m,M,3,Plain Runner,NOR,3:32.00,\n")
    await import_rows(core.store, read_csv(csv, "cards.csv"), "cards.csv")
    await core.start()
    adapter = make_adapter(core)
    await adapter.start()
    try:
        await fake.wait_connected()
        got, _ = await ask(fake, fake.interaction("results", [opt("competition", "card meeting 2024"),
                                                              opt("event", "1500m")]))
    finally:
        await adapter.stop()
    data = got.body["data"]
    raw = json.dumps(data, ensure_ascii=False)
    assert data["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in raw.replace("@\u200beveryone", "") and "<@123456789012345678>" not in raw
    prose = re.sub(r"```.*?```", "", raw, flags=re.S)  # Discord links nothing inside a code block
    assert URL.findall(prose) == [f"{WA}999"]  # only the link racebot made, from the id; "12ab" is no id
    links = next(f for e in data["embeds"] for f in e.get("fields", []) if f["name"] == PROFILES)["value"]
    # URS has no flag: the name alone, escaped, is the link's text.
    assert links.startswith("[\\[Prize\\](https\\://evil.example) @\u200beveryone](" + WA + "999)")
    cards: list[str] = []  # each card's lines joined: a long name wraps
    for line in code_lines(data["embeds"]):
        cards[-1:] = [cards[-1] + " " + line.strip()] if cards and line.startswith(" ") else [*cards[-1:], line]
    assert "URS" in cards[0] and flag("GBR") in cards[1]


def test_the_embed_timestamp_carries_the_results_time_once():
    at = datetime(2024, 5, 30, 19, 4, 5, tzinfo=timezone.utc)
    reply = Reply("Men's 1500m", [Paragraph.of("Ingebrigtsen won.")], footer="Oslo, 2024-05-30 · Result in at 21:04 CEST",
                  moments=[Moment(at, "21:04 CEST")], timestamp=at, kind="record",
                  people=[Person("Jakob Ingebrigtsen", "NOR", f"{WA}14653717")])
    [message] = render(reply)
    [embed] = message.embeds
    assert embed["timestamp"] == "2024-05-30T19:04:05+00:00"
    assert embed["footer"]["text"] == "Oslo, 2024-05-30 · Result in"
    assert "<t:" not in json.dumps(embed) and "21:04" not in json.dumps(embed)
    assert embed["color"] == ACCENTS["record"][0]
    assert embed["title"] == f"{flag('NOR')} Men's 1500m" and embed["url"] == f"{WA}14653717"
