"""Reply -> Discord embeds: limits, splitting between rows, escaping, timestamps."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from adapters.discord import limits
from adapters.discord.render import MAX_MESSAGES, render
from bot.narrow import cards
from bot.replies import Column, Field, Moment, Paragraph, Reply, Span, Table, error_reply
from fake_discord import message_problems


def _table(n: int, width: int = 1) -> Table:
    cols = (Column("Date"), Column("Meeting"), Column("Kerr", "right"), Column("Ingebrigtsen", "right"))
    rows = tuple((f"2024-05-{i % 28 + 1:02d}", f"Meeting {i:04d}" + "x" * width, f"3:{i % 60:02d}.38",
                  f"3:{i % 60:02d}.65") for i in range(n))
    return Table(cols, rows)


def _all_ok(messages) -> None:
    for m in messages:
        body = {"content": m.content, "embeds": m.embeds}
        assert message_problems(body) == [], message_problems(body)
        assert limits.message_problems(body) == []


def _blocks(messages) -> list[str]:
    text = "\n".join(e.get("description", "") for m in messages for e in m.embeds)
    return re.findall(r"```\n(.*?)\n```", text, re.S)


def test_short_reply_is_one_embed_with_bold_fields_and_footer():
    reply = Reply("Josh Kerr v Jakob Ingebrigtsen",
                  paragraphs=[Paragraph.of("Kerr leads ", Span("2-1", strong=True), " in finals.")],
                  fields=[Field("Meetings", "3")], footer="Source: World Athletics")
    [message] = render(reply)
    [embed] = message.embeds
    assert embed["title"] == "Josh Kerr v Jakob Ingebrigtsen"
    assert embed["description"] == "Kerr leads **2-1** in finals."
    assert embed["fields"] == [{"name": "Meetings", "value": "3", "inline": True}]
    assert embed["footer"] == {"text": "Source: World Athletics"}
    assert not message.ephemeral and message.content == ""


def test_table_rows_are_never_cut_and_fit_a_phone():
    table = _table(250)
    messages = render(Reply("Long h2h", table=table, footer="as of 2024-06-01"), max_messages=50)
    _all_ok(messages)
    assert len(messages) > 1 and all(len(m.embeds) <= 10 for m in messages)
    lines = [line for card in cards(table) for line in card]
    seen = []
    for block in _blocks(messages):
        assert block.split("\n")[0].startswith("2024-05-")  # each block starts with a whole row
        seen += block.split("\n")
    assert seen == lines  # every row whole, once, in order
    assert max(len(line) for line in seen) <= 40
    assert messages[-1].embeds[-1]["footer"]["text"] == "as of 2024-06-01"
    assert messages[1].embeds[0]["title"] == "Long h2h (continued)"


def test_too_many_pages_says_how_many_rows_were_left_out():
    messages = render(Reply("Everything", table=_table(3000), footer="src"))
    _all_ok(messages)
    assert len(messages) == MAX_MESSAGES
    shown = sum(1 for b in _blocks(messages) for line in b.split("\n") if line.startswith("2024-05-"))
    footer = messages[-1].embeds[-1]["footer"]["text"]
    assert footer == f"{3000 - shown} more rows not shown: narrow it down (event, season). · src"


def test_a_table_that_fits_shares_the_first_embed():
    [message] = render(Reply("Short", paragraphs=[Paragraph.of("Two meetings.")], table=_table(2)))
    [embed] = message.embeds
    assert embed["description"] == ("Two meetings.\n\n```\n2024-05-01 · Meeting 0000x · 3:00.38\n  3:00.65\n"
                                    "2024-05-02 · Meeting 0001x · 3:01.38\n  3:01.65\n```")


def test_many_and_long_fields_fit_the_limits():
    fields = [Field(f"Race {i}", "v" * 1500) for i in range(40)]
    messages = render(Reply("Fields", fields=fields), max_messages=50)
    _all_ok(messages)
    got = [f for m in messages for e in m.embeds for f in e.get("fields", [])]
    assert [f["name"] for f in got] == [f"Race {i}" for i in range(40)]
    assert all(len(f["value"]) == limits.FIELD_VALUE and f["value"].endswith("\u2026") for f in got)


def test_nothing_from_data_can_ping_or_format():
    evil = "@everyone [free](https://evil.example) *bold* <@123456789012345678>"
    reply = Reply(evil, paragraphs=[Paragraph.of(evil)], fields=[Field(evil, evil)], footer=evil,
                  table=Table((Column("Athlete"),), (("@everyone ```",),)))
    [message] = render(reply)
    text = str(message.embeds)
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    assert "<@123" not in text
    embed = message.embeds[0]
    assert "\\[free\\](https\\://evil.example)" in embed["description"] and "\\*bold\\*" in embed["description"]
    assert "```\n@\u200beveryone \u02cb\u02cb\u02cb\n```" in embed["description"]
    assert "\\" not in embed["footer"]["text"]  # footers show text verbatim: no backslashes


def test_moments_become_discord_timestamps():
    at = datetime(2024, 5, 25, 20, 45, tzinfo=timezone.utc)
    later = datetime(2024, 6, 1, 18, 0, tzinfo=timezone.utc)
    reply = Reply("Next", paragraphs=[Paragraph.of("Bowerman Mile starts Sat 25 May 20:45 UTC, in 3 h.")],
                  moments=[Moment(at, "Sat 25 May 20:45 UTC"), Moment(later, "Sat 1 Jun 18:00 UTC", "relative")])
    [message] = render(reply)
    desc = message.embeds[0]["description"]
    # One form each, never the same time twice: the text already says how far off it is.
    assert desc.startswith(f"Bowerman Mile starts <t:{int(at.timestamp())}:f>, in 3 h.")
    assert desc.endswith(f"\n\n<t:{int(later.timestamp())}:R>")
    assert desc.count("<t:") == 2


def test_a_time_in_the_footer_moves_to_the_description_as_a_timestamp():
    """An announcement's "Result in at ..." (embed footers cannot show timestamps): each reader's
    Discord shows the instant in their own zone, where the text had the subscription's."""
    at = datetime(2024, 6, 7, 19, 0, tzinfo=timezone.utc)
    unix = int(at.timestamp())
    reply = Reply("Men's 1500m", paragraphs=[Paragraph.of("Ingebrigtsen won.")],
                  footer="Paris, 2024-06-07 · Result in at 21:00 CEST", moments=[Moment(at, "21:00 CEST", "time")])
    [message] = render(reply)
    embed = message.embeds[0]
    assert embed["description"] == f"Ingebrigtsen won.\n\nResult in at <t:{unix}:t>"
    assert embed["footer"]["text"] == "Paris, 2024-06-07"


def test_errors_are_one_short_ephemeral_line():
    [message] = render(error_reply("I don't know the athlete 'Kerrr'.", hint="Did you mean Josh Kerr?"))
    assert message.ephemeral and not message.embeds
    assert message.content == "I don't know the athlete 'Kerrr'.\nDid you mean Josh Kerr?"


def test_spoiler_hides_description_table_and_fields():
    reply = Reply("Result", paragraphs=[Paragraph.of("Kerr won.")], table=_table(1),
                  fields=[Field("Winner", "Kerr")], spoiler=True)
    [message] = render(reply)
    embed = message.embeds[0]
    assert embed["description"].startswith("||Kerr won.||\n\n||```")
    assert embed["fields"][0]["value"] == "||Kerr||"


def test_image_is_attached_and_shown():
    [message] = render(Reply("Chart", image=b"\x89PNG fake"))
    assert message.image == b"\x89PNG fake"
    assert message.embeds[0]["image"] == {"url": "attachment://racebot.png"}
