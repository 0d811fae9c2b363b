"""The three ways a command reaches racebot, each driven through its real code path and counting
what the asker receives (issue 13: every input gets exactly one answer, and nothing hangs).

- ConsoleEntry: the console adapter's REPL reading a line, as `racebot run` does.
- SlackEntry: a signed slash command POSTed to real slack-bolt (HTTP mode); the answer is the
  ack's body or what reaches the fake Slack's response_url.
- DiscordEntry: an INTERACTION_CREATE from the fake Discord's gateway into real discord.py; the
  answer is what reaches the fake's interaction callback, edits and follow-ups.

Each is started once per test and asked many times: a case costs a few milliseconds.
"""
from __future__ import annotations

import asyncio
import io
import itertools
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

_TESTS = Path(__file__).resolve().parents[1]
for _folder in ("slack", "discord"):  # the fakes live beside their own tests
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))

from fake_discord import TOKEN, FakeDiscord  # noqa: E402
from fake_slack import FakeSlack  # noqa: E402
from slack_requests import signed_headers, slack_settings, slash_form  # noqa: E402

from adapters.console import ConsoleAdapter  # noqa: E402
from adapters.slack.limits import violations  # noqa: E402

CASE_SECONDS = 10.0  # a case taking longer than this is a hang


@dataclass
class Answer:
    """What the asker received for one input."""

    answers: int = 0  # first responses: exactly one is right (a long reply may come in several parts)
    parts: list[str] = field(default_factory=list)  # every message shown, as the platform got it
    problems: list[str] = field(default_factory=list)  # platform limits broken, or refused by the fake

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


class ErrorLog(logging.Handler):
    """Every ERROR (or worse) logged while installed: a caught bug is still a bug."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> "ErrorLog":
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger().removeHandler(self)


class Writes(io.StringIO):
    """stdout that remembers each write: the console adapter writes one answer in one call."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


class ConsoleEntry:
    def __init__(self, core) -> None:
        self.adapter = ConsoleAdapter(core, io.StringIO(), Writes(), interactive=False)

    async def ask(self, line: str) -> Answer:
        """`line` as typed (no line break inside); the REPL reads it, answers and meets the end of input."""
        out = self.adapter.stdout = Writes()
        self.adapter.stdin = io.StringIO(line + "\n")
        await asyncio.wait_for(self.adapter.repl(), CASE_SECONDS)
        return Answer(len(out.writes), out.writes)

    async def close(self) -> None:
        pass


class SlackEntry:
    def __init__(self, core) -> None:
        self.core = core
        self.fake = FakeSlack()
        self._ids = itertools.count(1)

    async def start(self) -> "SlackEntry":
        from adapters.slack.adapter import SlackAdapter

        await self.fake.start()
        self.adapter = SlackAdapter(self.core, slack_settings(self.fake, "http"))
        await self.adapter.start()
        self.session = aiohttp.ClientSession()
        return self

    async def close(self) -> None:
        await self.session.close()
        await self.adapter.stop()
        await self.fake.stop()

    async def ask(self, command: str, text: str) -> Answer:
        """`/command text` as Slack sends it: &, < and > as entities, signed, to the adapter's port."""
        rid = f"case{next(self._ids)}"
        seen = len(self.fake.responses)
        typed = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body = urlencode(slash_form(self.fake, command, typed, rid=rid))
        async with self.session.post(f"http://127.0.0.1:{self.adapter.port}/slack/events", data=body,
                                     headers=signed_headers(body)) as resp:
            status, acked = resp.status, await resp.text()
        answer = Answer()
        if status != 200:
            answer.problems.append(f"HTTP {status} to the slash command: {acked[:200]}")
            return answer
        if acked:  # refused in the ack itself
            answer.answers += 1
            answer.parts.append(acked)
        else:  # acked empty: the answer follows through the response_url
            await self.fake.wait_until(lambda: any(r == rid for r, _ in self.fake.responses[seen:]), CASE_SECONDS)
        await self.adapter.tasks.drain(CASE_SECONDS)  # every part posted, or (a hang) cancelled
        posted = [message for r, message in self.fake.responses[seen:] if r == rid]
        answer.answers += bool(posted)
        for message in posted:
            answer.parts.append(str(message))
            answer.problems += violations(message)
        return answer


class DiscordEntry:
    def __init__(self, core) -> None:
        self.core = core
        self.fake = FakeDiscord()
        self._done: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    async def start(self) -> "DiscordEntry":
        from adapters.discord.adapter import DiscordAdapter
        from racebot.config import parse

        await self.fake.start()
        section = {"dev_guild": "", "sync_commands": False, "api_base_url": self.fake.api_base_url,
                   "gateway_url": self.fake.gateway_url}
        self.adapter = DiscordAdapter(self.core, parse({"discord": section}).discord.settings({"DISCORD_TOKEN": TOKEN}))
        handle = self.adapter.interactions.handle

        async def observed(interaction) -> None:  # the real handler, and a note of when it is done
            try:
                await handle(interaction)
            finally:
                self._done[str(interaction.id)].set()

        self.adapter.interactions.handle = observed
        await self.adapter.start()
        await self.fake.wait_connected()
        return self

    async def close(self) -> None:
        await self.adapter.stop()
        await self.fake.close()

    async def ask(self, command: str, options: list[dict]) -> Answer:
        payload = self.fake.interaction(command, options)
        seen = len(self.fake.requests)
        done = self._done[payload["id"]]
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        await asyncio.wait_for(done.wait(), CASE_SECONDS)
        del self._done[payload["id"]]
        answer = Answer()
        for r in self.fake.requests[seen:]:
            if payload["token"] not in r.path:
                continue
            if r.status >= 400:
                answer.problems.append(f"{r.method} {r.path} answered {r.status}: {str(r.body)[:200]}")
            if r.path.endswith("/callback"):
                answer.answers += 1
            if r.method in ("POST", "PATCH") and r.body:
                answer.parts.append(str(r.body))
        return answer
