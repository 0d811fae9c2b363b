"""Announcements through the real discord.py HTTP client against the fake Discord."""
from __future__ import annotations

import pytest

from adapters.discord.publisher import ChannelPublisher, nonce_for
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Column, Paragraph, Reply, Table
from fake_discord import CHANNEL_ID, GUILD_ID

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
POST = rf"^/channels/{CHANNEL_ID}/messages$"


def _reply(title: str = "Bowerman Mile: Kerr 3:45.34, Ingebrigtsen 3:45.60") -> Reply:
    return Reply(title, paragraphs=[Paragraph.of("Prefontaine Classic, Eugene")], footer="as of 2024-05-25")


@pytest.fixture
def publisher(logged_in) -> ChannelPublisher:
    p = ChannelPublisher()
    p.client = logged_in
    return p


async def test_delivers_with_a_nonce_and_no_mentions(fake, publisher):
    d = await publisher.send(CHANNEL, _reply(), "sub1:race9:r1")
    assert d.outcome is Outcome.DELIVERED and d.message_id
    [req] = fake.requests_to("POST", POST)
    assert req.body["nonce"] == nonce_for("sub1:race9:r1", 0) and len(req.body["nonce"]) <= 25
    assert req.body["enforce_nonce"] is True
    assert req.body["allowed_mentions"] == {"parse": []}
    assert req.body["embeds"][0]["title"].startswith("Bowerman Mile")


async def test_same_key_never_posts_twice(fake, publisher, logged_in):
    first = await publisher.send(CHANNEL, _reply(), "k1")
    again = await publisher.send(CHANNEL, _reply(), "k1")
    assert again.message_id == first.message_id
    assert len(fake.requests_to("POST", POST)) == 1  # remembered here: no second request
    # A restarted process has forgotten; the nonce makes Discord return the same message.
    fresh = ChannelPublisher()
    fresh.client = logged_in
    third = await fresh.send(CHANNEL, _reply(), "k1")
    assert third.message_id == first.message_id
    assert len(fake.requests_to("POST", POST)) == 2 and len(fake.channel_messages[CHANNEL_ID]) == 1


async def test_short_429_is_waited_out_by_discord_py_and_posts_once(fake, publisher):
    fake.rate_limit_next("POST", POST, retry_after=0.3)
    d = await publisher.send(CHANNEL, _reply(), "k429")
    assert d.outcome is Outcome.DELIVERED
    limited, posted = fake.requests_to("POST", POST)
    assert (limited.status, posted.status) == (429, 200)
    assert posted.at - limited.at >= 0.3  # retried only after retry_after
    assert limited.body["nonce"] == posted.body["nonce"]
    assert len(fake.channel_messages[CHANNEL_ID]) == 1


async def test_long_429_becomes_retry_then_one_post(fake, publisher):
    fake.rate_limit_next("POST", POST, retry_after=120.0)
    d = await publisher.send(CHANNEL, _reply(), "klong")
    assert d.outcome is Outcome.RETRY and d.retry_after == pytest.approx(120.0)
    assert CHANNEL_ID not in fake.channel_messages
    # The outbox tries again after retry_after (no sleeping here: the clock is the outbox's).
    assert (await publisher.send(CHANNEL, _reply(), "klong")).outcome is Outcome.DELIVERED
    assert (await publisher.send(CHANNEL, _reply(), "klong")).outcome is Outcome.DELIVERED
    assert len(fake.channel_messages[CHANNEL_ID]) == 1


async def test_429_without_via_is_retry_with_the_header_delay(fake, publisher):
    fake.rate_limit_next("POST", POST, retry_after=7.0, via=False)
    d = await publisher.send(CHANNEL, _reply(), "kcf")
    assert d.outcome is Outcome.RETRY and d.retry_after == 7.0


async def test_server_error_is_retry(fake, publisher):
    # 503 is raised at once; 500/502/504 are retried inside discord.py first (1+3+5+7+9 s).
    fake.fail_next("POST", POST, 503, {"message": "Service Unavailable", "code": 0})
    d = await publisher.send(CHANNEL, _reply(), "k5xx")
    # No time named: the outbox backs off; Discord may have created it, so the retry is in doubt.
    assert (d.outcome, d.retry_after, d.maybe_posted) == (Outcome.RETRY, 0.0, True)


async def test_unknown_or_forbidden_channel_is_gone(fake, publisher):
    fake.unknown_channels.add("1100000000000000099")
    fake.forbidden_channels.add("1100000000000000098")
    gone = await publisher.send(ChannelRef("discord", GUILD_ID, "1100000000000000099"), _reply(), "g1")
    denied = await publisher.send(ChannelRef("discord", GUILD_ID, "1100000000000000098"), _reply(), "g2")
    assert gone.outcome is Outcome.GONE and "10003" in gone.detail
    assert denied.outcome is Outcome.GONE and "50001" in denied.detail


async def test_other_4xx_is_rejected(fake, publisher):
    fake.fail_next("POST", POST, 400, {"message": "Invalid Form Body", "code": 50035})
    d = await publisher.send(CHANNEL, _reply(), "kbad")
    assert d.outcome is Outcome.REJECTED and "50035" in d.detail


async def test_not_discord_or_not_started():
    p = ChannelPublisher()
    assert (await p.send(ChannelRef("slack", "T1", "C1"), _reply(), "x")).outcome is Outcome.REJECTED
    assert (await p.send(CHANNEL, _reply(), "x")).outcome is Outcome.RETRY


async def test_a_long_announcement_resumes_at_the_page_that_failed(fake, publisher):
    rows = tuple((f"2024-{i:04d}", "Josh Kerr", "3:29.38") for i in range(400))
    reply = Reply("Season", table=Table((Column("Date"), Column("Athlete"), Column("Mark", "right")), rows))
    fake.fail_next("POST", POST, 503, after=1)  # the first page goes through, the second fails
    assert (await publisher.send(CHANNEL, reply, "kpages")).outcome is Outcome.RETRY
    first_try = [(r.status, r.body["nonce"]) for r in fake.requests_to("POST", POST)]
    assert [s for s, _ in first_try] == [200, 503]
    fake.requests.clear()
    d = await publisher.send(CHANNEL, reply, "kpages")
    assert d.outcome is Outcome.DELIVERED
    second_try = [r.body["nonce"] for r in fake.requests_to("POST", POST)]
    assert second_try[0] == first_try[1][1]  # starts again at the failed page
    assert first_try[0][1] not in second_try  # the delivered page is not posted again
    pages = fake.channel_messages[CHANNEL_ID]
    assert len(pages) == 1 + len(second_try) >= 2
    assert len({m["nonce"] for m in pages}) == len(pages)


async def test_markup_links_and_mentions_from_data_reach_discord_inert(fake, publisher):
    """What Discord receives: every markup character backslashed, no live link, no ping."""
    evil = ("**Kerr** __x__ ~~y~~ ||z|| `c` [click](https://evil.example) <https://evil.example|click> "
            "@everyone\n# heading\n-# small\n> quote\n1. list")
    reply = Reply(evil, paragraphs=[Paragraph.of(evil)], footer=evil)
    d = await publisher.send(CHANNEL, reply, "k-evil")
    assert d.outcome is Outcome.DELIVERED
    [req] = fake.requests_to("POST", POST)
    embed = req.body["embeds"][0]
    description = embed["description"]
    assert description == (
        "\\*\\*Kerr\\*\\* \\_\\_x\\_\\_ \\~\\~y\\~\\~ \\|\\|z\\|\\| \\`c\\` \\[click\\](https\\://evil.example) "
        "\\<https\\://evil.example\\|click\\> @\u200beveryone\n\\# heading\n\\-# small\n\\> quote\n1\\. list")
    assert embed["title"].startswith("\\*\\*Kerr\\*\\*")
    assert "https://" not in description and req.body["allowed_mentions"] == {"parse": []}
    assert embed["footer"]["text"].startswith("**Kerr**")  # footers show text as is: nothing to escape


async def test_a_follow_alert_opens_the_users_dm_and_posts_there(fake, publisher):
    dm = ChannelRef.for_user("discord", GUILD_ID, "4242")
    assert dm.workspace == ""  # Discord users belong to no guild
    d = await publisher.send(dm, _reply(), "racebot:7:9:1:f3")
    assert d.outcome is Outcome.DELIVERED
    [opened] = fake.requests_to("POST", r"^/users/@me/channels$")
    assert opened.body == {"recipient_id": 4242}
    dm_channel = fake.dm_channels["4242"]
    assert [m["id"] for m in fake.channel_messages[dm_channel]] == [d.message_id]
    again = await publisher.send(dm, _reply(), "racebot:7:9:1:f3")  # the same key: nothing twice
    assert again.message_id == d.message_id and len(fake.channel_messages[dm_channel]) == 1
    await publisher.send(dm, _reply("Another race"), "racebot:7:10:1:f3")
    assert len(fake.requests_to("POST", r"^/users/@me/channels$")) == 1  # the DM channel is kept


async def test_a_closed_dm_is_gone(fake, publisher):
    fake.closed_dms.add("4343")
    d = await publisher.send(ChannelRef.for_user("discord", "", "4343"), _reply(), "racebot:7:9:1:f4")
    assert d.outcome is Outcome.GONE and "50007" in d.detail
    assert fake.channel_messages.get(fake.dm_channels["4343"]) is None
