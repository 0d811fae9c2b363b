"""The Publisher contract (bot/announce/publishing.py, DESIGN.md "Channels and publishing"), one suite run
against every adapter's publisher: the console's, and Discord's and Slack's through their real
SDKs against the loopback fakes.

- a post reaches the channel once, as the platform's own renderer drew it, and its key never
  posts twice;
- an attempt in doubt (a new process, the earlier one may have posted) looks in the channel
  for the key before posting; a terminal has no history, so there it is shown again;
- the platform's answers become the outcomes delivery acts on: a 4xx refusal is REJECTED, a 429
  is RETRY after the platform's time with nothing posted, a 5xx is RETRY that may have posted,
  a channel that is no more is GONE.
"""
from __future__ import annotations

import io
import json
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import pytest
from delivery_rig import discord_publisher, fake_discord, fake_slack, slack_publisher
from entry_points import Writes

from adapters import console
from adapters.console import CONSOLE_CHANNEL, ConsoleAdapter
from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Column, Paragraph, Reply, Table

REPLY = Reply("Bislett Games: men's 1500m", paragraphs=[Paragraph.of("Ingebrigtsen wins in 3:29.74, a world lead.")],
              table=Table((Column("Place"), Column("Athlete"), Column("Mark", "right")),
                          (("1", "Jakob Ingebrigtsen", "3:29.74"), ("2", "Timothy Cheruiyot", "3:29.77"))),
              footer="Diamond League · as of 2024-05-30")
LATER = 120.0  # seconds a rate limit asks for: past discord.py's own wait, so it comes back to us


def now() -> datetime:
    return datetime.now(timezone.utc)


class Console:
    history = False

    def __init__(self, core) -> None:
        self.core, self.channel, self.out = core, CONSOLE_CHANNEL, Writes()

    @asynccontextmanager
    async def publisher(self):
        yield ConsoleAdapter(self.core, stdin=io.StringIO(), stdout=self.out, interactive=False)

    def expected(self, reply: Reply) -> list:
        return [console.render(reply)]

    def received(self) -> list:
        return [w.removesuffix("\n\n") for w in self.out.writes]


class Discord:
    history = True

    def __init__(self, fake) -> None:
        self.fake, self.channel = fake, ChannelRef("discord", fake_discord.GUILD_ID, fake_discord.CHANNEL_ID)
        self.post = rf"^/channels/{fake_discord.CHANNEL_ID}/messages$"

    def publisher(self):
        return discord_publisher(self.fake, now)

    def expected(self, reply: Reply) -> list:
        return [_unstamped(m.embeds) for m in discord_render.render(reply)]

    def received(self) -> list:
        return [_unstamped(m["embeds"]) for m in self.fake.channel_messages.get(self.channel.channel, [])]

    def refuse_next(self) -> None:
        self.fake.fail_next("POST", self.post, 400, {"message": "Invalid Form Body", "code": 50035})

    def rate_limit_next(self, seconds: float) -> None:
        self.fake.rate_limit_next("POST", self.post, retry_after=seconds)

    def fail_next(self) -> None:  # 503: discord.py retries 500, 502 and 504 itself first
        self.fake.fail_next("POST", self.post, 503, {"message": "Service Unavailable", "code": 0})

    def lose_channel(self) -> None:
        self.fake.unknown_channels.add(self.channel.channel)


class Slack:
    history = True

    def __init__(self, fake) -> None:
        self.fake, self.channel = fake, ChannelRef("slack", fake_slack.TEAM, "C0CONTRACT")

    def publisher(self):
        return slack_publisher(self.fake)

    def expected(self, reply: Reply) -> list:
        return [m["blocks"] for m in slack_render.render(reply)]

    def received(self) -> list:
        return [p["blocks"] for p in self.fake.posts if p["channel"] == self.channel.channel]

    def refuse_next(self) -> None:
        self.fake.fail_next("chat.postMessage", 400, {"ok": False, "error": "invalid_arguments"})

    def rate_limit_next(self, seconds: float) -> None:
        self.fake.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"},
                            {"Retry-After": f"{seconds:g}"})

    def fail_next(self) -> None:
        self.fake.fail_next("chat.postMessage", 503, "<html>Service Unavailable</html>")

    def lose_channel(self) -> None:
        self.fake.fail_next("chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})


def _unstamped(embeds: list[dict]) -> list[dict]:
    """The embeds as JSON carries them, less the reference the publisher adds to the last footer
    so a later attempt can find the message (adapters/discord/recall.py), and less the empty
    `flags` discord.py writes into every embed it sends."""
    out = [{k: v for k, v in e.items() if (k, v) != ("flags", 0)} for e in json.loads(json.dumps(embeds))]
    footer = out[-1].pop("footer", {}) if out else {}
    text = footer.get("text", "")
    text = text.rsplit(" · ref ", 1)[0] if " · ref " in text else "" if text.startswith("ref ") else text
    if text:
        out[-1]["footer"] = {**footer, "text": text}
    return out


@asynccontextmanager
async def _platform(name: str, core):
    if name == "console":
        yield Console(core)
    elif name == "discord":
        fake = await fake_discord.FakeDiscord().start()
        try:
            yield Discord(fake)
        finally:
            await fake.close()
    else:
        fake = fake_slack.FakeSlack()
        await fake.start()
        try:
            yield Slack(fake)
        finally:
            await fake.stop()


@pytest.fixture(params=["console", "discord", "slack"])
async def platform(request, shared_core):
    async with _platform(request.param, shared_core) as p:
        yield p


@pytest.fixture(params=["discord", "slack"])
async def remote(request, shared_core):
    """The platforms that can refuse a post: a terminal always takes it."""
    async with _platform(request.param, shared_core) as p:
        yield p


async def test_a_post_is_delivered_once_as_rendered_and_its_key_never_posts_again(platform):
    async with platform.publisher() as publisher:
        first = await publisher.send(platform.channel, REPLY, "racebot:1:42:1")
        again = await publisher.send(platform.channel, REPLY, "racebot:1:42:1")
        other = await publisher.send(platform.channel, REPLY, "racebot:2:42:1")
    assert (first.outcome, again.outcome, other.outcome) == (Outcome.DELIVERED,) * 3
    assert first.message_id and other.message_id != first.message_id
    assert platform.received() == platform.expected(REPLY) * 2  # one for each key


async def test_an_attempt_in_doubt_looks_in_the_channel_before_posting(platform):
    async with platform.publisher() as publisher:
        assert (await publisher.send(platform.channel, REPLY, "racebot:1:42:1")).outcome is Outcome.DELIVERED
    async with platform.publisher() as restarted:  # a new process: the earlier one may have posted
        found = await restarted.send(platform.channel, REPLY, "racebot:1:42:1",
                                     in_doubt_since=now() - timedelta(hours=1))
    assert found.outcome is Outcome.DELIVERED
    shown = 1 if platform.history else 2  # a terminal has no history to look in: shown again
    assert platform.received() == platform.expected(REPLY) * shown


async def test_a_4xx_refusal_is_rejected_and_posts_nothing(remote):
    remote.refuse_next()
    async with remote.publisher() as publisher:
        refused = await publisher.send(remote.channel, REPLY, "racebot:1:42:1")
    assert refused.outcome is Outcome.REJECTED and refused.detail
    assert remote.received() == []


async def test_a_429_is_retry_after_the_platforms_time_with_nothing_posted(remote):
    remote.rate_limit_next(LATER)
    async with remote.publisher() as publisher:
        limited = await publisher.send(remote.channel, REPLY, "racebot:1:42:1")
        assert (limited.outcome, limited.retry_after, limited.maybe_posted) == (Outcome.RETRY, LATER, False)
        assert remote.received() == []
        retried = await publisher.send(remote.channel, REPLY, "racebot:1:42:1")  # delivery's next try
    assert retried.outcome is Outcome.DELIVERED and remote.received() == remote.expected(REPLY)


async def test_a_5xx_is_retry_that_may_have_posted(remote):
    remote.fail_next()
    async with remote.publisher() as publisher:
        failed = await publisher.send(remote.channel, REPLY, "racebot:1:42:1")
    assert (failed.outcome, failed.maybe_posted) == (Outcome.RETRY, True)


async def test_a_channel_that_is_no_more_is_gone(remote):
    remote.lose_channel()
    async with remote.publisher() as publisher:
        gone = await publisher.send(remote.channel, REPLY, "racebot:1:42:1")
    assert gone.outcome is Outcome.GONE and remote.received() == []
