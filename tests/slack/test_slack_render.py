"""Block Kit rendering from hand-built Replies: escaping, limits, splitting, dates, spoilers."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from adapters.slack import escape
from adapters.slack.limits import MAX_BLOCKS, MAX_SECTION_TEXT, violations
from adapters.slack.render import render, render_spoiler
from bot.replies import Column, Field, Moment, Paragraph, Reply, Span, Table

H2H = Reply(
    title="Josh Kerr v Jakob Ingebrigtsen",
    paragraphs=[Paragraph.of("Kerr leads ", Span("2-0", strong=True), " in finals.")],
    table=Table(
        columns=(Column("Date"), Column("Meeting"), Column("Kerr", "right"), Column("Ingebrigtsen", "right")),
        rows=(("2023-08-23", "Budapest World Championships", "3:29.38", "3:29.65"),
              ("2024-05-25", "Prefontaine Classic (Bowerman Mile)", "3:45.34", "3:45.60")),
    ),
    fields=[Field("Finals", "Kerr 2 - 0 Ingebrigtsen")],
    footer="Source: Diamond League archive, seed article · as of 2024-06-01",
)


def all_texts(messages: list[dict]) -> list[str]:
    """Every string Slack would parse as text, from every message."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "text" and isinstance(v, str):
                    out.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(messages)
    return out


def test_h2h_reply_renders_header_section_table_fields_context():
    [message] = render(H2H)
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds == ["header", "section", "section", "section", "context"]
    assert message["blocks"][0]["text"] == {"type": "plain_text", "text": "Josh Kerr v Jakob Ingebrigtsen",
                                            "emoji": True}
    assert message["blocks"][1]["text"]["text"] == "Kerr leads *2-0* in finals."
    table = message["blocks"][2]["text"]["text"]
    # A phone-width card per row (bot/narrow.py): the cells in order, lines broken between them.
    assert table == ("```\n2023-08-23\n  Budapest World Championships · 3:29.38\n  3:29.65\n"
                     "2024-05-25\n  Prefontaine Classic (Bowerman Mile)\n  3:45.34 · 3:45.60\n```")
    assert message["blocks"][3]["fields"][0]["text"] == "*Finals*\nKerr 2 - 0 Ingebrigtsen"
    assert "as of 2024-06-01" in message["blocks"][4]["elements"][0]["text"]
    assert message["text"].startswith("Josh Kerr v Jakob Ingebrigtsen\nKerr leads 2-0 in finals.")
    assert violations(message) == []


def test_mentions_links_and_markup_from_data_are_escaped_everywhere():
    evil = "<!channel> <@U123> <https://evil.example|click> & *x*"
    reply = Reply(
        title=evil,
        paragraphs=[Paragraph.of(evil, Span(evil, strong=True))],
        table=Table((Column("Athlete"),), ((evil + " ```",),)),
        fields=[Field(evil, evil), Field(evil, evil, inline=False)],
        footer=evil,
        moments=[Moment(datetime(2024, 5, 25, 20, 0, tzinfo=timezone.utc), evil)],
    )
    messages = render(reply) + list(render_spoiler(reply)[:1])
    for text in all_texts(messages):
        # Header text is plain_text (Slack parses no mentions there); everything else is mrkdwn.
        if text == evil:
            continue
        assert "<!channel>" not in text and "<@U123>" not in text and "<https://" not in text
        assert re.search(r"&(?!amp;|lt;|gt;)", text) is None, text  # every & is an entity
    dumped = json.dumps(messages, ensure_ascii=False)
    assert "&lt;!channel&gt;" in dumped
    # The only `<` left in mrkdwn belongs to our own date token.
    section_texts = [t for t in all_texts(messages) if t != evil]
    assert all(re.fullmatch(r"[^<>]*(<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>]*>[^<>]*)*", t)
               for t in section_texts)
    # Bold stays bold: the stars inside the span cannot end it early.
    assert "*&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; ∗x∗*" in dumped
    # A backtick fence in a table cell cannot close our code block.
    table = next(t for t in section_texts if t.startswith("```"))
    assert table.count("```") == 2
    # Text objects are verbatim: bare @here / #channel are not auto-linked by Slack.
    mrkdwn_objects = [o for m in messages for b in m["blocks"]
                      for o in [b.get("text")] + b.get("fields", []) + b.get("elements", [])
                      if o and o["type"] == "mrkdwn"]
    assert mrkdwn_objects and all(o["verbatim"] is True for o in mrkdwn_objects)


def test_long_table_is_split_between_rows_and_messages_stay_within_limits():
    rows = tuple((f"{2000 + i % 25}-05-{i % 28 + 1:02d}", f"Meeting number {i} " + "x" * (i % 40),
                  f"3:{30 + i % 20}.{i % 100:02d}", str(i)) for i in range(3000))
    reply = Reply(title="T" * 400, paragraphs=[Paragraph.of("word " * 2000)],
                  table=Table((Column("Date"), Column("Meeting"), Column("Mark", "right"), Column("#", "right")),
                              rows), fields=[Field(f"f{i}", "v") for i in range(25)], footer="footer")
    messages = render(reply)
    assert len(messages) > 1
    for m in messages:
        assert violations(m) == [], violations(m)
        assert len(m["blocks"]) <= MAX_BLOCKS
    assert len(messages[0]["blocks"][0]["text"]["text"]) == 150
    # Every row appears exactly once, whole (a card never split between blocks), phone-width.
    seen: list[list[str]] = []
    for m in messages:
        for b in m["blocks"]:
            text = b.get("text", {}).get("text", "")
            if text.startswith("```"):
                assert len(text) <= MAX_SECTION_TEXT
                lines = text.split("\n")
                assert lines[0] == lines[-1] == "```"
                assert all(len(line) <= 40 for line in lines)
                for line in lines[1:-1]:
                    if line.startswith(" "):
                        seen[-1].append(line)
                    else:
                        seen.append([line])
    assert len(seen) == len(rows)
    assert [card[0].split()[0] for card in seen] == [r[0] for r in rows]
    assert all(card[-1].rstrip().endswith(r[3]) for card, r in zip(seen, rows, strict=True))
    # The paragraph is split at spaces, and nothing is lost.
    para = "".join(b["text"]["text"] for b in messages[0]["blocks"][1:]
                   if b["type"] == "section" and "text" in b and not b["text"]["text"].startswith("```"))
    assert para.replace(" ", "") == ("word" * 2000)
    fields = [f for m in messages for b in m["blocks"] for f in b.get("fields", [])]
    assert len(fields) == 25
    assert messages[-1]["blocks"][-1]["type"] == "context"


def test_moments_become_slack_date_tokens_with_fallback():
    at = datetime(2024, 5, 30, 18, 45, tzinfo=timezone.utc)
    reply = Reply(title="Next: Bislett Games", paragraphs=[Paragraph.of("Starts 30 May 2024, 18:45 UTC in Oslo.")],
                  moments=[Moment(at, "30 May 2024, 18:45 UTC"),
                           Moment(datetime(2024, 6, 6, 17, 0, tzinfo=timezone.utc), "6 June 2024")])
    [message] = render(reply)
    section = message["blocks"][1]["text"]["text"]
    assert section == (f"Starts <!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}"
                       f"|30 May 2024, 18:45 UTC> in Oslo.")
    # A moment no paragraph mentions still reaches the reader, in a context line.
    context = message["blocks"][2]["elements"][0]["text"]
    assert context == "<!date^1717693200^{date_short_pretty} {time}|6 June 2024>"
    assert escape.date_token(datetime(2024, 6, 6, 17, 0), "a|b>c") == \
        "<!date^1717693200^{date_short_pretty} {time}|a∣b&gt;c>"


def test_a_time_in_the_footer_becomes_a_date_token_there_once():
    at = datetime(2024, 6, 7, 19, 0, tzinfo=timezone.utc)
    reply = Reply("Men's 1500m", paragraphs=[Paragraph.of("Ingebrigtsen won.")],
                  footer="Paris, 2024-06-07 · Result in at 21:00 CEST", moments=[Moment(at, "21:00 CEST")])
    [message] = render(reply)
    contexts = [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert contexts == [f"Paris, 2024-06-07 · Result in at <!date^{int(at.timestamp())}^{{date_short_pretty}} "
                        "{time}|21:00 CEST>"]


def test_spoiler_gives_neutral_headline_and_result_for_the_thread():
    reply = Reply(title="Bislett Games: men's 1500m", paragraphs=[Paragraph.of("Ingebrigtsen wins in 3:29.74.")],
                  spoiler=True)
    headline, thread = render_spoiler(reply)
    assert "Ingebrigtsen" not in json.dumps(headline)
    assert headline["blocks"][0]["text"]["text"] == "Bislett Games: men's 1500m"
    assert "thread" in headline["text"]
    assert "Ingebrigtsen wins in 3:29.74." in json.dumps(thread)
    assert violations(headline) == [] and all(violations(m) == [] for m in thread)


def test_limits_checker_catches_what_slack_would_refuse():
    too_many = {"text": "x", "blocks": [{"type": "divider"}] * 51}
    long_header = {"text": "x", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]}
    long_section = {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}]}
    assert violations(too_many) and violations(long_header) and violations(long_section)
    assert violations({"text": "", "blocks": []}) == ["no text fallback"]
