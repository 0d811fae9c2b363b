"""What each renderer (console, Discord, Slack) makes of /h2h, /results, /athlete and an
announcement on the bundled data, compared with the files beside this one.

A change to a renderer, a reply or the bundled data shows up here as a diff to read. When the
change is meant, write the files anew and review them in the commit:

    RACEBOT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/golden
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pytest

from adapters import console
from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.announce.message import Announcer
from bot.commands.registry import Context
from bot.announce.outbox import OutboxItem
from bot.announce.publishing import ChannelRef
from bot.replies import Reply
from bot.announce.subscriptions import Subscription

HERE = Path(__file__).parent
UPDATE = os.environ.get("RACEBOT_UPDATE_GOLDEN") == "1"
RESULT_IN = datetime(2024, 5, 30, 19, 4, 5, tzinfo=timezone.utc)  # when the announced result came in
COMMANDS = {"h2h": "/h2h Kerr Ingebrigtsen", "results": "/results oslo 2024 1500m men", "athlete": "/athlete Josh Kerr"}
RENDERERS = {
    "console": ("txt", lambda reply: console.render(reply) + "\n"),
    # an image's PNG bytes depend on the drawing library's version: whether there is one is what counts
    # (and the goldens' replies are drawn without one, so no alt text: tests/discord/test_discord_charts.py)
    "discord": ("json", lambda reply: _json([{**{k: v for k, v in asdict(m).items() if k != "image_alt"},
                                              "image": bool(m.image)} for m in discord_render.render(reply)])),
    "slack": ("json", lambda reply: _json(slack_render.render(reply))),
}


def _json(payload) -> str:
    return json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


async def announcement(core, db) -> Reply:
    """The announcement of Bislett Games 2024's men's 1500m, as delivery renders an outbox row."""
    with sqlite3.connect(db) as conn:
        (race_id,) = conn.execute(
            "SELECT r.id FROM races r JOIN competitions c ON c.id = r.competition_id WHERE c.name = 'Bislett Games' "
            "AND c.start_date LIKE '2024%' AND r.event = '1500' AND r.gender = 'M' AND r.round = 'final'").fetchone()
    conn.close()
    sub = Subscription(ChannelRef("slack", "T1", "C1"), id=1, created_at=RESULT_IN, timezone="Europe/Oslo")
    item = OutboxItem(1, sub, race_id, 1, "result", "", RESULT_IN, RESULT_IN, "pending", 0, RESULT_IN)
    reply = await Announcer(core.store).render(item)
    assert reply is not None
    return reply


async def reply_for(case: str, core, db) -> Reply:
    if case == "announcement":
        return await announcement(core, db)
    reply = await core.handle_text(COMMANDS[case], Context(user_id="golden"))
    assert not reply.error, reply.plain_text()
    return reply


@pytest.mark.parametrize("platform", RENDERERS)
@pytest.mark.parametrize("case", [*COMMANDS, "announcement"])
async def test_rendered_reply_matches_its_golden_file(shared_core, bundled_db, case, platform):
    suffix, render = RENDERERS[platform]
    got = render(await reply_for(case, shared_core, bundled_db))
    path = HERE / f"{case}.{platform}.{suffix}"
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden file yet: RACEBOT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest {HERE}"
    assert got == path.read_text(encoding="utf-8"), f"{path.name} differs: if meant, regenerate (see this module)"
