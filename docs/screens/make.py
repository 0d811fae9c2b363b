"""Screenshots of what fans see: each reply type (/h2h, /results, /athlete, an announcement) on
Discord and Slack, the charts themselves, and the picture "Full table" shows, as PNGs in this folder.

    .venv/bin/python docs/screens/make.py [--db PATH]

Rerun it after any change to a renderer or a reply: the replies come from the real core (on the
bundled data, charts drawn by the real worker), go out through the real adapters (discord.py's
interaction answers and sends, slack_sdk's response_url posts and file uploads) to the loopback
fakes the tests use, and the pictures are painted from what those fakes recorded (paint.py).
"""
from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "discord"), str(ROOT / "tests" / "slack"),
                str(HERE)]

import aiohttp  # noqa: E402

import paint  # noqa: E402
from adapters.discord.adapter import DiscordAdapter  # noqa: E402
from adapters.slack.outbound import Outbound, web_client  # noqa: E402
from adapters.slack.publisher import SlackPublisher  # noqa: E402
from adapters.slack.slash import SlashCommands  # noqa: E402
from adapters.slack.workspaces import OneWorkspace, Workspace  # noqa: E402
from adapters.slack.tasks import TaskSet  # noqa: E402
from bot.announce.message import Announcer  # noqa: E402
from bot.announce.outbox import OutboxItem  # noqa: E402
from bot.announce.publishing import ChannelRef  # noqa: E402
from bot.announce.subscriptions import Subscription  # noqa: E402
from bot.commands.registry import Context  # noqa: E402
from fake_discord import CHANNEL_ID, GUILD_ID, TOKEN, FakeDiscord  # noqa: E402
from fake_slack import BOT_TOKEN, FakeSlack  # noqa: E402
from racebot.app import open_core  # noqa: E402
from racebot.charts.client import ChartWorker  # noqa: E402
from racebot.config import parse  # noqa: E402

# (case, Discord options, Slack text): the questions the README shows
COMMANDS = [
    ("h2h", "h2h", [("athlete_a", "Kerr"), ("athlete_b", "Ingebrigtsen")], "/h2h Kerr Ingebrigtsen"),
    ("results", "results", [("competition", "oslo 2024"), ("event", "1500m"), ("gender", "men")],
     "/results oslo 2024 1500m men"),
    ("athlete", "athlete", [("name", "Josh Kerr")], "/athlete Josh Kerr"),
]
RESULT_IN = datetime(2024, 5, 30, 19, 4, 5, tzinfo=timezone.utc)


async def announcement(core, db: Path):
    """Bislett Games 2024's men's 1500m as an announcement, the way delivery renders an outbox row."""
    with sqlite3.connect(db) as conn:
        (race_id,) = conn.execute(
            "SELECT r.id FROM races r JOIN competitions c ON c.id = r.competition_id WHERE c.name = 'Bislett Games' "
            "AND c.start_date LIKE '2024%' AND r.event = '1500' AND r.gender = 'M' AND r.round = 'final'").fetchone()
    sub = Subscription(ChannelRef("slack", "T1", "C1"), id=1, created_at=RESULT_IN, timezone="Europe/Oslo")
    item = OutboxItem(1, sub, race_id, 1, "result", "", RESULT_IN, RESULT_IN, "pending", 0, RESULT_IN)
    return await Announcer(core.store).render(item)


async def on_discord(core, db: Path) -> dict[str, list[dict]]:
    fake = await FakeDiscord().start()
    section = {"dev_guild": GUILD_ID, "api_base_url": fake.api_base_url, "gateway_url": fake.gateway_url,
               "defer_after": 2.5}
    adapter = DiscordAdapter(core, parse({"discord": section}).discord.settings({"DISCORD_TOKEN": TOKEN}))
    shots: dict[str, list[dict]] = {}
    try:
        await adapter.start()
        await fake.wait_connected()
        for case, name, options, _ in COMMANDS:
            payload = fake.interaction(name, [{"name": k, "type": 3, "value": v} for k, v in options])
            await fake.dispatch("INTERACTION_CREATE", payload)
            got = await fake.wait_for(lambda r: r.path.startswith(f"/interactions/{payload['id']}/"), 60)
            if got.body["type"] == 5:  # deferred: the answer is the edit
                got = await fake.wait_for(lambda r: r.method == "PATCH" and payload["token"] in r.path, 60)
                body = got.body
            else:
                body = {**got.body["data"], "files": got.body.get("files", [])}
            shots[case] = [_discord_message(body)]
        await adapter.send(ChannelRef("discord", GUILD_ID, CHANNEL_ID), await announcement(core, db), "screens:1")
        posted = fake.requests_to("POST", rf"^/channels/{CHANNEL_ID}/messages$")
        shots["announcement"] = [_discord_message(r.body) for r in posted if r.status == 200]
    finally:
        await adapter.stop()
        await fake.close()
    return shots


def _discord_message(body: dict) -> dict:
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    files = [{"filename": described.get(f["name"][6:-1], {}).get("filename") or f["filename"], "data": f["data"]}
             for f in body.get("files") or []]
    return {"content": body.get("content"), "embeds": body.get("embeds") or [], "attachments": files}


async def on_slack(core, db: Path) -> dict[str, tuple[list[dict], list[dict]]]:
    fake = FakeSlack()
    await fake.start()
    shots: dict[str, tuple[list[dict], list[dict]]] = {}
    channel = ChannelRef("slack", "T0TEAM", "C0TRACK")
    try:
        async with aiohttp.ClientSession() as session:
            outbound = Outbound(web_client(session, fake.api_base_url, BOT_TOKEN), session)
            publisher = SlackPublisher(outbound)
            answers = SlashCommands(core, OneWorkspace(Workspace(outbound, publisher, users=None, admin=None)), TaskSet())
            for case, _, _, text in COMMANDS:
                before_r, before_f = len(fake.responses), len(fake.files)
                reply = await core.handle_text(text, Context(user_id="U0FAN", channel=channel))
                await answers.deliver(reply, channel, fake.response_url(case), key=f"screens:{case}")
                shots[case] = ([b for _, b in fake.responses[before_r:]], fake.files[before_f:])
            before = len(fake.posts)
            await publisher.send(channel, await announcement(core, db), "screens:announcement")
            shots["announcement"] = (fake.posts[before:], [])
    finally:
        await fake.stop()
    return shots


async def full_table(core) -> None:
    """What "Full table" shows the clicker (bot/full_table.py): /h2h's table as the worker draws it."""
    ctx = Context(user_id="screens", clickable=True)
    reply = await core.handle_text("/h2h Kerr Ingebrigtsen", ctx)
    button = next(a for a in reply.actions if getattr(a, "full_table", False))
    token = core.actions.encode(button.command, "screens", False, 100, full_table=True)
    answer = await core.click(token, None, ctx, None)
    assert answer.aside and answer.reply.image, "the worker drew no full table"
    (HERE / "h2h.full-table.png").write_bytes(answer.reply.image)


async def record(db: Path) -> None:
    core = await open_core(db)
    worker = core.charts = ChartWorker()
    await worker.start()
    try:
        for case, _, _, text in COMMANDS:
            reply = await core.handle_text(text, Context(user_id="screens"))
            if reply.image:
                (HERE / f"{case}.chart.png").write_bytes(reply.image)
        await full_table(core)
        for case, messages in (await on_discord(core, db)).items():
            paint.discord(messages).save(HERE / f"{case}.discord.png", optimize=True)
        for case, (messages, files) in (await on_slack(core, db)).items():
            paint.slack(messages, files).save(HERE / f"{case}.slack.png", optimize=True)
    finally:
        await worker.close()
        await core.store.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="store (default: racebot's own, the bundled data)")
    args = p.parse_args()
    if args.db:
        db = Path(args.db)
    else:
        from racebot.config import load

        db = Path(load(None, None).db_path)
    asyncio.run(record(db))
    for f in sorted(HERE.glob("*.png")):
        print(f"{f.relative_to(ROOT)}  {f.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
