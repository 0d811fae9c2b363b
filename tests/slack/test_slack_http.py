"""HTTP mode end to end: signed slash commands into real slack-bolt, a real core, answers to a fake Slack."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fake_slack import BOT_TOKEN
from slack_requests import SIGNING_SECRET, post_slash, slash_form

from adapters.slack.limits import violations
from adapters.slack.manifest import render_manifest
from adapters.slack.names import RESERVED, UMBRELLA_ONLY

pytestmark = pytest.mark.asyncio


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


def mrkdwn_texts(message: dict) -> list[str]:
    """What Slack parses as mrkdwn: the fallback and every text but the plain_text header and
    buttons (Full table, on an /h2h: plain_text too)."""
    out = [message["text"]]
    for b in message["blocks"]:
        if b["type"] not in ("header", "actions"):
            out += [o["text"] for o in [b.get("text")] + b.get("fields", []) + b.get("elements", []) if o]
    return out


def assert_fits(message: dict) -> None:
    assert violations({"text": message["text"], "blocks": message["blocks"]}) == []


async def test_h2h_is_acked_at_once_then_answered_with_the_meetings(fake_slack, http_adapter):
    status, body, ack_seconds = await post_slash(http_adapter.port, slash_form(fake_slack, "/h2h", "Kerr Ingebrigtsen"))
    assert (status, body) == (200, "") and ack_seconds < 1.0
    await fake_slack.wait_until(lambda: answers(fake_slack, "r1"))
    [answer] = answers(fake_slack, "r1")
    assert answer["response_type"] == "in_channel"
    assert_fits(answer)
    assert answer["blocks"][0]["text"]["text"] == "Josh Kerr v Jakob Ingebrigtsen"
    table = next(b["text"]["text"] for b in answer["blocks"] if b.get("text", {}).get("text", "").startswith("```"))
    lines = table.split("\n")
    assert max(len(line) for line in lines) <= 40  # a phone's width
    # Each meeting in two lines: where and what, then each athlete's place and mark, Kerr first.
    budapest = lines.index("2023-08-23 Budapest · 1500m · 0.27 s")
    bowerman = lines.index("2024-05-25 Eugene · Mile · 0.26 s")
    assert lines[budapest + 1] == "  Kerr 1. 3:29.38 · Ing. 2. 3:29.65"
    assert lines[bowerman + 1] == "  Kerr 1. 3:45.34 · Ing. 2. 3:45.60"
    prose = " ".join(b["text"]["text"] for b in answer["blocks"] if b["type"] == "section" and "text" in b)
    assert "*Kerr* leads Ingebrigtsen 2–1 in 3 meetings." in prose  # Span.strong -> bold
    # auth.test at start-up, then only users.info (the asker's time zone) while answering, after
    # the ack: nothing sat between the request and the ack.
    assert [c.method for c in fake_slack.calls] == ["auth.test", "users.info"]


async def test_umbrella_command_gives_the_same_answer(fake_slack, http_adapter):
    await post_slash(http_adapter.port, slash_form(fake_slack, "/h2h", "Kerr Ingebrigtsen", rid="one"))
    await post_slash(http_adapter.port, slash_form(fake_slack, "/racebot", "h2h Kerr Ingebrigtsen", rid="two"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "one") and answers(fake_slack, "two"))
    assert answers(fake_slack, "one") == answers(fake_slack, "two")


async def test_ack_does_not_wait_for_slow_work(fake_slack, http_adapter, admin_name):
    """users.info takes 1.5 s here; the ack must not, and the refusal comes afterwards."""
    fake_slack.delays["users.info"] = 1.5
    name = admin_name
    status, body, ack_seconds = await post_slash(http_adapter.port, slash_form(fake_slack, f"/{name}", ""))
    assert (status, body) == (200, "") and ack_seconds < 0.5
    started = time.perf_counter()
    await fake_slack.wait_until(lambda: answers(fake_slack, "r1"))
    assert time.perf_counter() - started > 1.0


async def test_forged_or_stale_signature_is_401_and_runs_nothing(fake_slack, http_adapter):
    calls_before = len(fake_slack.calls)
    form = slash_form(fake_slack, "/h2h", "Kerr Ingebrigtsen", rid="forged")
    assert (await post_slash(http_adapter.port, form, secret="not-the-secret"))[0] == 401
    assert (await post_slash(http_adapter.port, form, timestamp=int(time.time()) - 600))[0] == 401
    assert len(fake_slack.calls) == calls_before
    # A genuine request afterwards is answered; the forged ones never were.
    await post_slash(http_adapter.port, slash_form(fake_slack, "/h2h", "Kerr Ingebrigtsen", rid="real"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "real"))
    assert answers(fake_slack, "forged") == []


async def test_non_admin_is_refused_privately_and_admins_are_not(fake_slack, http_adapter, admin_name):
    name = admin_name
    fake_slack.users.update({"U0FAN": {"is_admin": False, "is_owner": False}, "U0OWNER": {"is_owner": True}})
    await post_slash(http_adapter.port, slash_form(fake_slack, f"/{name}", "", user="U0FAN", rid="fan"))
    await post_slash(http_adapter.port, slash_form(fake_slack, f"/{name}", "", user="U0FAN", rid="fan2"))
    await post_slash(http_adapter.port, slash_form(fake_slack, f"/{name}", "", user="U0OWNER", rid="owner"))
    await post_slash(http_adapter.port, slash_form(fake_slack, f"/{name}", "", user="U0LISTED", rid="listed"))
    await fake_slack.wait_until(lambda: all(answers(fake_slack, r) for r in ("fan", "fan2", "owner", "listed")))
    refusal = answers(fake_slack, "fan")[0]
    assert refusal["response_type"] == "ephemeral" and "admin" in refusal["text"].lower()
    for rid in ("owner", "listed"):
        assert answers(fake_slack, rid)[0]["text"] != refusal["text"]
    # users.info once per user (cached), for admin rights and time zone alike; an id listed in
    # [slack] admin_user_ids is asked only for its time zone.
    assert sorted(c.args["user"] for c in fake_slack.called("users.info")) == ["U0FAN", "U0LISTED", "U0OWNER"]


EVIL_CSV = """\
date,competition,venue,series,event,gender,round,race,place,athlete,country,mark,wind,flags,source,athlete_id
2024-06-01,Bislett Games,Oslo,,1500m,M,final,,1,Josh Kerr,GBR,3:30.00,,,test,
2024-06-01,Bislett Games,Oslo,,1500m,M,final,,2,<!channel> Zyxwv,NOR,3:31.00,,,test,
"""


async def test_athlete_named_channel_cannot_ping_the_channel(fake_slack, http_adapter_results_only,
                                                            results_only_core, tmp_path):
    from racebot.importing import import_file

    http_adapter, core = http_adapter_results_only, results_only_core  # the store is not the point

    csv = tmp_path / "evil.csv"
    csv.write_text(EVIL_CSV, encoding="utf-8")
    await import_file(core.store, csv)  # through the real import path, into the real store
    await core.start()  # reload the name indexes
    # From data: the athlete's own name. From the user: Slack sends typed `<`, `>`, `&` as entities.
    for rid, command, text in (("data", "/athlete", "Zyxwv"), ("h2h", "/h2h", "Kerr Zyxwv"),
                               ("typed", "/athlete", "&lt;!channel&gt;"),
                               ("at", "/athlete", "@channel &lt;@U0FAN&gt;")):
        await post_slash(http_adapter.port, slash_form(fake_slack, command, text, rid=rid))
    rids = ("data", "h2h", "typed", "at")
    await fake_slack.wait_until(lambda: all(answers(fake_slack, r) for r in rids))
    for rid in rids:
        for message in answers(fake_slack, rid):
            assert_fits(message)
            for text in mrkdwn_texts(message):
                assert re.search(r"<[!@#]", text) is None, text
    data = json.dumps(answers(fake_slack, "data"), ensure_ascii=False)
    assert "&lt;!channel&gt; Zyxwv" in data  # shown, as text
    assert answers(fake_slack, "data")[0]["blocks"][0]["text"]["text"] == "<!channel> Zyxwv"  # plain_text header


async def test_bad_text_is_refused_in_the_ack_itself(fake_slack, http_adapter):
    status, body, ack_seconds = await post_slash(http_adapter.port, slash_form(fake_slack, "/h2h", '"Kerr'))
    assert status == 200 and ack_seconds < 1.0
    ack = json.loads(body)
    assert ack["response_type"] == "ephemeral" and "quote" in ack["text"]
    assert_fits(ack)
    unknown = json.loads((await post_slash(http_adapter.port, slash_form(fake_slack, "/racebot", "frobnicate")))[1])
    assert unknown["response_type"] == "ephemeral" and "frobnicate" in unknown["text"]
    assert fake_slack.responses == []


async def test_every_registry_command_is_a_slack_command(fake_slack, http_adapter, core):
    """Each by its own name, but those Slack keeps for itself (/status) and those we keep under the
    umbrella (/racebot forget me): they are /racebot NAME."""
    names = [c.name for c in core.registry if c.name not in RESERVED | UMBRELLA_ONLY] + ["racebot"]
    assert "status" not in names and "h2h" in names
    for i, name in enumerate(names):
        status, _, _ = await post_slash(http_adapter.port, slash_form(fake_slack, f"/{name}", "", rid=f"c{i}"))
        assert status == 200, name  # bolt answers 404 for a command nobody listens to
    assert (await post_slash(http_adapter.port, slash_form(fake_slack, "/nosuchcommand", "")))[0] == 404
    assert (await post_slash(http_adapter.port, slash_form(fake_slack, "/status", "")))[0] == 404
    assert (await post_slash(http_adapter.port, slash_form(fake_slack, "/forget", "me")))[0] == 404


async def test_manifest_in_the_repo_matches_the_registry(shared_core):
    manifest = Path(__file__).resolve().parents[2] / "slack-manifest.yaml"
    assert manifest.read_text(encoding="utf-8") == render_manifest(shared_core.registry), \
        "regenerate it: python -m adapters.slack.manifest > slack-manifest.yaml"


async def test_composition_root_builds_the_adapter_from_toml_and_env(fake_slack, core, tmp_path):
    from racebot.config import load
    from racebot.runner import build_adapters

    toml = tmp_path / "config.toml"
    toml.write_text(f'[slack]\nmode = "http"\nhttp_host = "127.0.0.1"\nhttp_port = 0\n'
                    f'api_base_url = "{fake_slack.api_base_url}"\nadmin_user_ids = ["U0LISTED"]\n', encoding="utf-8")
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    [adapter] = await build_adapters(core, load(str(toml), str(tmp_path / "db"), env=env))
    await adapter.start()
    try:
        status, _, _ = await post_slash(adapter.port, slash_form(fake_slack, "/racebot", "next"))
        assert status == 200
        await fake_slack.wait_until(lambda: answers(fake_slack, "r1"))
    finally:
        await adapter.stop()
    assert load(str(toml), env={}).file.slack.mode == "http"
    assert await build_adapters(core, load(str(toml), env={"SLACK_BOT_TOKEN": BOT_TOKEN})) == []  # no secret


async def test_h2h_and_athlete_end_with_the_coverage_context(fake_slack, http_adapter):
    for rid, command, text in (("h", "/h2h", "Kerr Ingebrigtsen"), ("a", "/athlete", "Timothy Cheruiyot")):
        await post_slash(http_adapter.port, slash_form(fake_slack, command, text, rid=rid))
        await fake_slack.wait_until(lambda: answers(fake_slack, rid))
        # Last but the buttons and menus, which close the message (adapters.slack.components).
        last = [b for b in answers(fake_slack, rid)[-1]["blocks"] if b["type"] != "actions"][-1]
        assert last["type"] == "context"
        line = " ".join(e["text"] for e in last["elements"])
        assert line.startswith("Record from Diamond League 20") and "racebot sync --season YEAR" in line, line
