"""Phone-width answers and /help in Discord's own syntax, end to end: the real adapter and
discord.py against the fake Discord, over the bundled data."""
from __future__ import annotations

import re

from fake_discord import FakeDiscord
from test_discord_adapter import ask, code_lines, opt


async def _answer(fake: FakeDiscord, command: str, options: list[dict]) -> list[dict]:
    """The embeds of the answer: deferred first (defer_after=0), then the edit and any follow-ups."""
    payload = fake.interaction(command, options)
    deferred, _ = await ask(fake, payload)
    assert deferred.body["type"] == 5
    edit = await fake.wait_for(lambda r: r.method == "PATCH" and payload["token"] in r.path)
    return edit.body["embeds"]


async def test_answers_fit_a_phone_and_help_speaks_discord(fake, make_adapter):
    adapter = make_adapter(defer_after=0.0)
    await adapter.start()
    try:
        await fake.wait_connected()
        asked = [("h2h", [opt("athlete_a", "Ingebrigtsen"), opt("athlete_b", "Cheruiyot")]),
                 ("results", [opt("competition", "oslo 2024"), opt("event", "1500m"), opt("gender", "M")]),
                 ("athlete", [opt("name", "Jakob Ingebrigtsen")]), ("top", [opt("event", "1500m"), opt("season", 2022, 4)]),
                 ("next", []), ("status", []), ("help", [])]
        tables = 0
        for command, options in asked:
            lines = code_lines(await _answer(fake, command, options))
            tables += bool(lines)
            assert all(len(line.replace("\u200b", "")) <= 40 for line in lines), (command, lines)
        assert tables >= 5
        [embed] = await _answer(fake, "help", [opt("command", "h2h")])
        text = embed["description"]
        assert "Usage: /h2h athlete\\_a:… athlete\\_b:…" in text, text
        assert re.search(r"Example: /h2h athlete\\_a:Kerr athlete\\_b:Ingebrigtsen\b", text), text
        assert "/h2h Kerr Ingebrigtsen" not in text  # the console's form, which Discord does not take
    finally:
        await adapter.stop()
