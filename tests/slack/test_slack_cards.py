"""Cards on Slack through slack-bolt and the fake Slack: flags, World Athletics links, record badges,
the kind of result before the header (Block Kit has no colour); data can make no link or mention."""
from __future__ import annotations

import json
import re

from adapters.cards import ACCENTS, BADGE_MARKS
from adapters.slack.limits import violations
from adapters.slack.render import render
from bot.domain.countries import flag
from bot.replies import Badge, Person, Reply
from test_slack_socket import envelope

WA = "https://worldathletics.org/athletes/_/"


async def answer(fake_slack, text: str, rid: str) -> dict:
    await fake_slack.send_envelope(envelope(fake_slack, f"env-{rid}", text.split()[0], text.split(" ", 1)[1], rid))
    await fake_slack.wait_until(lambda: any(r == rid for r, _ in fake_slack.responses))
    return next(body for r, body in fake_slack.responses if r == rid)


async def test_a_results_card_on_slack(fake_slack, socket_adapter):
    body = await answer(fake_slack, "/results athletissima 2022 1500m men", "c1")
    assert violations(body) == []
    header, people, *rest = body["blocks"]
    assert header["type"] == "header" and header["text"]["text"].startswith(ACCENTS["result"][1] + " Men's 1500m")
    assert people["type"] == "context"
    assert people["elements"][0]["text"] == f"{flag('NOR')} <{WA}14653717|Jakob Ingebrigtsen>"  # the archive's id
    assert len(people["elements"]) == 3
    table = next(b["text"]["text"] for b in rest if b["type"] == "section" and b["text"]["text"].startswith("```"))
    winner = next(line for line in table.split("\n") if line.startswith("1. "))  # the winner's card
    assert "Jakob Ingebrigtsen" in winner and flag("NOR") in winner and "NOR" not in winner


async def test_an_athlete_card_on_slack_shows_badges(fake_slack, socket_adapter):
    body = await answer(fake_slack, "/athlete Josh Kerr", "c2")
    texts = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section" and "text" in b]
    assert f"{BADGE_MARKS['WR']} *WR* 2 Miles (indoor) 8:00.67, Millrose Games 2024" in "\n".join(texts).split("\n")
    context = next(b for b in body["blocks"] if b["type"] == "context")
    assert context["elements"][0]["text"] == f"{flag('GBR')} <{WA}14533464|Josh Kerr>"


def test_names_and_badge_text_from_data_make_no_link_or_mention():
    reply = Reply("Card", people=[Person("<!channel> x|y <http://evil.example|win>", "URS", f"{WA}999"),
                                  Person("*Bold* `code`", "GBR", "")],
                  badges=[Badge("WR", "<!here> <@U123> *big* 3:29.00")])
    [message] = render(reply)
    raw = json.dumps(message["blocks"], ensure_ascii=False)
    tokens = re.findall(r"<[^<>]*>", raw)
    assert tokens == [f"<{WA}999|&lt;!channel&gt; x\u2223y &lt;http://evil.example\u2223win&gt;>"]  # racebot's own link
    assert "*Bold*" not in raw and "`code`" not in raw
    assert f"{BADGE_MARKS['WR']} *WR* &lt;!here&gt; &lt;@U123&gt; \u2217big\u2217 3:29.00" in raw
