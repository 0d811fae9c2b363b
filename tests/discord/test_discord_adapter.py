"""The real DiscordAdapter, real discord.py and a real Core on the bundled data, against the
fake Discord: what Discord would receive for slash commands, autocomplete and announcements."""
from __future__ import annotations

import json
import logging
import re

import pytest

from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Paragraph, Reply
from fake_discord import (CHANNEL_ID, GUILD_ID, MANAGE_CHANNELS, MEMBER_PERMISSIONS, TOKEN, FakeDiscord,
                          Recorded, command_problems, message_problems)
from results_only import core, db_copy  # noqa: F401 (the tests that write: what is stored is not the point)


def opt(name: str, value, type_: int = 3, focused: bool = False) -> dict:
    o = {"name": name, "type": type_, "value": value}
    if focused:
        o["focused"] = True
    return o


async def ask(fake: FakeDiscord, payload: dict) -> tuple[Recorded, float]:
    """Dispatch an interaction; the callback Discord received and seconds until it arrived."""
    sent = await fake.dispatch("INTERACTION_CREATE", payload)
    got = await fake.wait_for(lambda r: r.path.startswith(f"/interactions/{payload['id']}/"))
    return got, got.at - sent


def code_lines(embeds: list[dict]) -> list[str]:
    """Every line of the code blocks: a table's phone-width cards."""
    text = "\n".join(e.get("description", "") for e in embeds)
    return [line for b in re.findall(r"```\n(.*?)\n```", text, re.S) for line in b.split("\n")]


async def test_commands_synced_from_the_registry_within_discords_limits(fake, discord_adapter, shared_core):
    synced = fake.commands[GUILD_ID]  # dev_guild set: synced to the guild, instantly
    assert [c["name"] for c in synced] == shared_core.registry.names()
    assert command_problems(synced) == []
    for c in synced:
        assert re.fullmatch(r"[-_a-z0-9]{1,32}", c["name"]) and 1 <= len(c["description"]) <= 100
        assert len(c["options"]) <= 25
        for o in c["options"]:
            assert re.fullmatch(r"[-_a-z0-9]{1,32}", o["name"]) and 1 <= len(o["description"]) <= 100
        admin = shared_core.registry.get(c["name"]).admin_only
        assert (c.get("default_member_permissions") == str(MANAGE_CHANNELS)) == admin
    h2h = {o["name"]: o for o in next(c for c in synced if c["name"] == "h2h")["options"]}
    assert h2h["athlete_a"]["autocomplete"] and h2h["athlete_b"]["autocomplete"]
    assert h2h["finals_only"]["type"] == 5 and h2h["season"]["type"] == 4


async def test_h2h_kerr_ingebrigtsen_answers_with_the_right_meetings(fake, discord_adapter):
    got, seconds = await ask(fake, fake.interaction(
        "h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")]))
    assert got.status == 200 and got.body["type"] == 4, got.body
    data = got.body["data"]
    assert message_problems(data) == [] and data["allowed_mentions"] == {"parse": []}
    assert not data.get("flags", 0) & 64  # public, not an error
    embed = data["embeds"][0]
    assert embed["title"] == "Josh Kerr v Jakob Ingebrigtsen"
    lines = code_lines(data["embeds"])
    assert max(len(line) for line in lines) <= 40  # a phone's width
    # Winners right: each meeting's second line gives each athlete's place and mark, Kerr first.
    assert lines == ["2024-05-25 Eugene · Mile · 0.26 s", "  Kerr 1. 3:45.34 · Ing. 2. 3:45.60",
                     "2023-08-23 Budapest · 1500m · 0.27 s", "  Kerr 1. 3:29.38 · Ing. 2. 3:29.65",
                     "2022-08-26 Lausanne · 1500m · 3.23 s", "  Kerr 4. 3:32.28 · Ing. 1. 3:29.05"]
    assert {"name": "Record", "value": "Kerr 2\u20131 Ingebrigtsen", "inline": True} in embed["fields"]
    assert seconds < 1.0, seconds  # well inside Discord's 3-second deadline


async def test_autocomplete_answers_at_most_25_rivals_first(fake, discord_adapter):
    got, seconds = await ask(fake, fake.interaction("h2h", [
        opt("athlete_a", "Josh Kerr"), opt("athlete_b", "ing", focused=True)], autocomplete=True))
    assert got.body["type"] == 8
    choices = got.body["data"]["choices"]
    assert 0 < len(choices) <= 25
    assert all(0 < len(c["name"]) <= 100 and 0 < len(str(c["value"])) <= 100 for c in choices)
    assert choices[0]["name"].startswith("Jakob Ingebrigtsen")  # Kerr's rival comes first
    assert seconds < 0.5, seconds
    # The chosen value goes back in the command and names the same athlete.
    answer, _ = await ask(fake, fake.interaction("h2h", [opt("athlete_a", "Josh Kerr"),
                                                         opt("athlete_b", choices[0]["value"])]))
    assert answer.body["data"]["embeds"][0]["title"] == "Josh Kerr v Jakob Ingebrigtsen"


async def test_autocomplete_never_sends_more_than_25(fake, discord_adapter):
    got, _ = await ask(fake, fake.interaction("athlete", [opt("name", "a", focused=True)], autocomplete=True))
    assert len(got.body["data"]["choices"]) == 25  # "a" matches thousands


async def test_admin_only_command_refused_for_a_member_without_manage_channels(fake, make_adapter, core):
    cmd = core.registry.get("subscribe")
    assert cmd is not None and cmd.admin_only
    adapter = make_adapter(core)  # the admin's /subscribe is carried out: a store of its own
    await adapter.start()
    try:
        await fake.wait_connected()
        synced = {c["name"]: c for c in fake.commands[GUILD_ID]}
        assert synced[cmd.name]["default_member_permissions"] == str(MANAGE_CHANNELS)
        options = [opt(p.name, "Bislett Games") for p in cmd.params if p.required]
        refused, _ = await ask(fake, fake.interaction(cmd.name, options, permissions=MEMBER_PERMISSIONS))
        data = refused.body["data"]
        assert refused.body["type"] == 4 and data["flags"] & 64  # ephemeral
        assert not data.get("embeds") and "admin" in data["content"].lower()
        allowed, _ = await ask(fake, fake.interaction(cmd.name, options,
                                                      permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS))
        assert "only channel admins" not in str(allowed.body["data"]).lower()
    finally:
        await adapter.stop()


async def test_an_athlete_named_everyone_pings_nobody(fake, make_adapter, core, everyone_athlete):
    adapter = make_adapter(core)
    await adapter.start()
    try:
        await fake.wait_connected()
        got, _ = await ask(fake, fake.interaction("athlete", [opt("name", "@everyone")]))
    finally:
        await adapter.stop()
    data = got.body["data"]
    assert data["allowed_mentions"] == {"parse": []}
    raw = json.dumps(data, ensure_ascii=False)
    assert "@\u200beveryone" in raw  # the name is still shown, defused
    assert "@everyone" not in raw.replace("@\u200beveryone", "")
    assert data["embeds"][0]["title"] == "\U0001F1EE\U0001F1F9 @\u200beveryone"  # ITA's flag, then the name


async def test_user_text_cannot_ping_either(fake, discord_adapter):
    got, _ = await ask(fake, fake.interaction("h2h", [opt("athlete_a", "@everyone"), opt("athlete_b", "@here")]))
    data = got.body["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert not re.search(r"@(everyone|here)", json.dumps(data, ensure_ascii=False).replace("@\u200b", ""))


async def test_slow_answer_is_deferred_then_edited(fake, make_adapter):
    adapter = make_adapter(defer_after=0.0)
    await adapter.start()
    try:
        await fake.wait_connected()
        payload = fake.interaction("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")])
        deferred, _ = await ask(fake, payload)
        assert deferred.body["type"] == 5  # "racebot is thinking..."
        edit = await fake.wait_for(lambda r: r.method == "PATCH" and payload["token"] in r.path)
        assert edit.status == 200 and "3:29.38" in str(edit.body["embeds"])
        assert edit.body["allowed_mentions"] == {"parse": []}
    finally:
        await adapter.stop()


async def test_an_error_after_deferring_still_reaches_only_the_asker(fake, make_adapter):
    adapter = make_adapter(defer_after=0.0)
    await adapter.start()
    try:
        await fake.wait_connected()
        payload = fake.interaction("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen"),
                                           opt("event", "1499 furlongs")])
        deferred, _ = await ask(fake, payload)
        assert deferred.body["type"] == 5
        follow = await fake.wait_for(lambda r: r.method == "POST" and r.path.endswith(payload["token"]))
        assert fake.requests_to("DELETE", re.escape(payload["token"]) + "/messages/@original")
        assert follow.body["flags"] & 64 and "1499 furlongs" in follow.body["content"]
    finally:
        await adapter.stop()


async def test_bad_option_is_a_short_ephemeral_error(fake, discord_adapter):
    got, _ = await ask(fake, fake.interaction("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen"),
                                                     opt("event", "1499 furlongs")]))
    data = got.body["data"]
    assert data["flags"] & 64 and not data.get("embeds") and len(data["content"]) < 300


async def test_announcement_429_is_retried_after_retry_after_without_duplicate(fake, discord_adapter):
    channel = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
    reply = Reply("Bislett Games 1500m: Ingebrigtsen 3:29.74", paragraphs=[Paragraph.of("@everyone look")])
    post = rf"^/channels/{CHANNEL_ID}/messages$"
    fake.rate_limit_next("POST", post, retry_after=0.25)
    assert (await discord_adapter.send(channel, reply, "sub7:race42:1")).outcome is Outcome.DELIVERED
    limited, posted = fake.requests_to("POST", post)
    assert limited.status == 429 and posted.status == 200 and posted.at - limited.at >= 0.25
    assert (await discord_adapter.send(channel, reply, "sub7:race42:1")).outcome is Outcome.DELIVERED
    [message] = fake.channel_messages[CHANNEL_ID]
    assert not message["mention_everyone"] and posted.body["allowed_mentions"] == {"parse": []}


async def test_sharded_client_uses_the_configured_gateway(fake, make_adapter):
    fake.recommended_shards = 1  # 2+ would add discord.py's 5-second wait between IDENTIFYs
    # Discord's own gateway URL, which a configured gateway proxy must not be bypassed for:
    fake.advertised_gateway = "ws://127.0.0.1:9/not-the-proxy"
    adapter = make_adapter(shard_count="auto", dev_guild="")
    await adapter.start()
    try:
        await fake.wait_connected()
        assert fake.gateway.identifies[0]["shard"] == [0, 1]
        assert fake.commands["global"]  # no dev_guild: synced globally
        got, _ = await ask(fake, fake.interaction("help", []))
        assert got.body["type"] == 4
    finally:
        await adapter.stop()


async def test_the_token_never_reaches_the_log(fake, make_adapter, caplog):
    caplog.set_level(logging.DEBUG)
    adapter = make_adapter()
    await adapter.start()
    try:
        await fake.wait_connected()
        await ask(fake, fake.interaction("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")]))
    finally:
        await adapter.stop()
    assert fake.gateway.identifies[0]["token"] == TOKEN  # it was used...
    assert "Discord adapter started" in caplog.text and TOKEN not in caplog.text  # ...never logged


async def test_h2h_and_athlete_end_with_the_coverage_footer(fake, discord_adapter):
    for name, options in (("h2h", [opt("athlete_a", "Kerr"), opt("athlete_b", "Ingebrigtsen")]),
                          ("athlete", [opt("name", "Timothy Cheruiyot")])):
        got, _ = await ask(fake, fake.interaction(name, options))
        footer = got.body["data"]["embeds"][-1]["footer"]["text"].splitlines()[-1]
        assert footer.startswith("Record from Diamond League 20"), footer
        assert "racebot sync --season YEAR" in footer


@pytest.mark.parametrize("shard_ids, syncs", [([1], False), ([0], True)])
async def test_a_process_runs_its_own_shards_and_only_shard_0s_syncs_the_commands(fake, make_adapter, shard_ids,
                                                                                   syncs):
    adapter = make_adapter(shard_count=3, shard_ids=shard_ids, dev_guild="")
    await adapter.start()
    try:
        await fake.wait_connected()
        assert [i["shard"] for i in fake.gateway.identifies] == [[shard_ids[0], 3]]
        assert bool(fake.commands.get("global")) is syncs  # several processes, one set of commands
    finally:
        await adapter.stop()
