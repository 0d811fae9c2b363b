"""Every command's answer, rendered for Discord and Slack over the bundled data, fits a phone: no
line inside a code block is wider than 40 characters. The console keeps the wide table.

Through the real renderers here; end to end through the fake platforms in
tests/discord/test_discord_phone.py and tests/slack/test_slack_names.py.
"""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timezone

import pytest
from results_only import core, db_copy  # noqa: F401 (the subscriptions test writes; the histories are not the point)

from adapters import console
from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.announce.message import Announcer
from bot.announce.outbox import OutboxItem
from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Filters, Subscription
from bot.commands.registry import Context
from bot.replies import PHONE_WIDTH, Reply

# Every command that answers with a table, and those that do not, in their longest real forms.
COMMANDS = (
    "/h2h Kerr Ingebrigtsen", "/h2h Ingebrigtsen Cheruiyot", "/h2h Warholm Benjamin", "/h2h Duplantis Lavillenie",
    "/results oslo 2024 1500m men", "/results pre classic 2024", "/results pre classic 2017 1500m women",
    "/results zurich 2022", "/athlete Josh Kerr", "/athlete Jakob Ingebrigtsen", "/athlete Nordas",
    "/top 1500m 2022", "/top high jump women", "/top 100m 2019", "/next", "/help", "/help h2h", "/status",
    "/subscriptions",
)
CHANNEL = ChannelRef("slack", "T1", "C1")
_BLOCK = re.compile(r"```\n?(.*?)\n?```", re.S)


def code_lines(texts: list[str], *, entities: bool) -> list[str]:
    """The lines inside code blocks, as a reader sees them (Slack decodes &amp; &lt; &gt; there)."""
    out = []
    for text in texts:
        for block in _BLOCK.findall(text):
            for line in block.split("\n"):
                line = line.replace("\u200b", "")
                if entities:
                    line = line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
                out.append(line)
    return out


def discord_lines(reply: Reply) -> list[str]:
    texts = [e.get("description", "") for m in discord_render.render(reply) for e in m.embeds]
    texts += [m.content for m in discord_render.render(reply)]
    return code_lines(texts, entities=False)


def slack_lines(reply: Reply) -> list[str]:
    texts = [o["text"] for m in slack_render.render(reply) for b in m["blocks"]
             for o in [b.get("text")] + b.get("fields", []) + b.get("elements", []) if o and b["type"] != "header"]
    return code_lines(texts, entities=True)


def assert_phone_width(reply: Reply) -> None:
    for platform, lines in (("discord", discord_lines(reply)), ("slack", slack_lines(reply))):
        wide = [line for line in lines if len(line) > PHONE_WIDTH]
        assert not wide, f"{platform}: {reply.title}: {wide}"
        if reply.table is not None and reply.table.rows:
            # Every row is there: each starts a card at the margin (bot/narrow.py).
            assert sum(1 for line in lines if line and not line.startswith(" ")) == len(reply.table.rows), platform


@pytest.mark.parametrize("text", COMMANDS)
async def test_every_command_fits_a_phone_on_discord_and_slack(shared_core, text):
    ctx = Context(user_id="u1", channel=CHANNEL, is_admin=True)
    reply = await shared_core.handle_text(text, ctx)
    assert not reply.error, reply.plain_text()
    assert_phone_width(reply)
    if reply.table is not None and text.startswith(("/h2h", "/results", "/athlete", "/top")):
        # The console keeps the wide table, header and all.
        shown = console.render(reply).split("\n")
        assert any(len(line) > PHONE_WIDTH for line in shown) or len(reply.table.columns) < 4
        assert any(line.lstrip().startswith(reply.table.columns[0].title) for line in shown)


async def test_h2h_on_a_phone_tells_each_meeting_in_two_lines(shared_core):
    """The issue's layout: where, what and the margin; then each athlete's place and mark."""
    reply = await shared_core.handle_text("/h2h Kerr Ingebrigtsen", Context(user_id="u1"))
    assert discord_lines(reply)[:2] == ["2024-05-25 Eugene · Mile · 0.26 s", "  Kerr 1. 3:45.34 · Ing. 2. 3:45.60"]
    assert slack_lines(reply) == discord_lines(reply)
    # From the data, not from code: the venue, event, marks and margin of the stored meeting.
    meeting = reply.data["meetings"][-1]
    assert (meeting["venue"], meeting["event"], meeting["margin"]) == ("Eugene", "Mile", "0.26 s")
    assert (meeting["a"]["mark"], meeting["b"]["mark"]) == ("3:45.34", "3:45.60")


async def test_subscriptions_and_announcements_fit_a_phone(core, db_copy):  # noqa: F811
    names = tuple(f"Athlete With A Long Name {i:03d}" for i in range(12))
    await core.store.add_subscription(Subscription(
        CHANNEL, Filters(athletes=tuple(range(1, 13)), athlete_names=names), timezone="Europe/Oslo",
        created_at=datetime(2024, 5, 30, 22, 30, tzinfo=timezone.utc)))
    await core.store.add_subscription(Subscription(CHANNEL, Filters(events=("1500",))))
    # A Slack asker in Oslo: the day a subscription started is theirs (a table cannot hold a
    # platform's local-time token), 31 May there while it was still 30 May in UTC.
    listed = await core.handle_text("/subscriptions", Context(user_id="u1", channel=CHANNEL, timezone="Europe/Oslo"))
    assert listed.table.rows[0][2] == "2024-05-31"
    assert_phone_width(listed)
    in_utc = await core.handle_text("/subscriptions", Context(user_id="u1", channel=CHANNEL))
    assert in_utc.table.rows[0][2] == "2024-05-30"

    with sqlite3.connect(db_copy) as conn:
        (race_id,) = conn.execute(
            "SELECT r.id FROM races r JOIN competitions c ON c.id = r.competition_id WHERE c.name = 'Prefontaine Classic' "
            "AND c.start_date LIKE '2024%' AND r.event = 'MILE' AND r.gender = 'M'").fetchone()
    conn.close()
    [sub, _] = await core.store.subscriptions(CHANNEL)
    at = datetime(2024, 5, 25, 23, 55, tzinfo=timezone.utc)
    reply = await Announcer(core.store).render(OutboxItem(1, sub, race_id, 1, "result", "", at, at, "pending", 0, at))
    assert reply is not None and reply.table is not None
    assert_phone_width(reply)
    # The time the result came in, once, in one form: the reader's own clock on each platform.
    unix = int(at.timestamp())
    # Discord: the embed's own timestamp, which each client shows in its reader's zone, once.
    [embed] = discord_render.render(reply)[0].embeds
    assert embed["timestamp"] == at.isoformat() and "<t:" not in str(embed)
    slack = str(slack_render.render(reply))
    assert slack.count(f"<!date^{unix}^") == 1 and f"<!date^{unix}^{{time}}|01:55 CEST>" in slack
    assert "Result in at 01:55 CEST" in console.render(reply)
