"""Many workspaces (issue #16): Slack's OAuth install flow through real bolt, the fake's consent
screen and oauth.v2.access, into racebot's real store; each workspace then answered with its own
bot token (the fake records which token every call carried), and forgotten when it uninstalls."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
from cryptography.fernet import Fernet
from fake_oauth import CLIENT_SECRET
from install_flow import browser, install, installs, returns, until
from slack_requests import oauth_settings, post_event, post_slash, slash_form

from adapters.slack.adapter import NOT_INSTALLED, SlackAdapter
from adapters.slack.manifest import SCOPES
from bot.announce.publishing import ChannelRef, Outcome
from bot.replies import Reply

pytestmark = pytest.mark.asyncio

KEY = Fernet.generate_key().decode()


@pytest_asyncio.fixture
async def installing(results_only_core, fake_slack):
    """An HTTP-mode adapter with the install flow on, tokens sealed with KEY; no SLACK_BOT_TOKEN.
    Over the results-only store: the store's installs are the point, a fifth of the whole's cost."""
    adapter = SlackAdapter(results_only_core, oauth_settings(fake_slack, token_key=KEY))
    await adapter.start()
    fake_slack.redirect_uri = f"http://127.0.0.1:{adapter.port}/slack/oauth_redirect"
    yield adapter
    await adapter.stop()


def answers(fake, rid: str) -> list[dict]:
    return [body for r, body in fake.responses if r == rid]


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(installing, results_only_core,
                                                                               fake_slack):
    fake_slack.team_names["T0ONE"] = "Track <Club>"
    status, page = await install(installing, "T0ONE")
    assert status == 200 and "racebot is installed" in page and "Track &lt;Club&gt;" in page
    assert (await install(installing, "T0TWO"))[0] == 200
    consent = fake_slack.consents[0]
    assert consent["scope"] == ",".join(SCOPES) and len(consent["state"]) >= 40 and consent["team"] == "T0ONE"
    one, two = fake_slack.token_of("T0ONE"), fake_slack.token_of("T0TWO")
    stored = installs(results_only_core)
    assert [(org, team) for org, team, _ in stored] == [("", "T0ONE"), ("", "T0TWO")]
    assert all(secret.startswith("fernet:") and one not in secret and two not in secret for _, _, secret in stored)

    calls_before = len(fake_slack.calls)
    await post_slash(installing.port, slash_form(fake_slack, "/h2h", "Kerr Ingebrigtsen", user="U1", rid="a",
                                                 team="T0ONE"))
    await post_slash(installing.port, slash_form(fake_slack, "/next", "", user="U2", rid="b", team="T0TWO"))
    await fake_slack.wait_until(lambda: answers(fake_slack, "a") and answers(fake_slack, "b"))
    asked = {c.args["user"]: c.token for c in fake_slack.calls[calls_before:] if c.method == "users.info"}
    assert asked == {"U1": one, "U2": two}
    # Authorised from the store alone: no auth.test between a request and its ack.
    assert not [c for c in fake_slack.calls[calls_before:] if c.method == "auth.test"]

    # An announcement to each workspace leaves with that workspace's token.
    for team in ("T0ONE", "T0TWO"):
        delivery = await installing.send(ChannelRef("slack", team, "C0RESULTS"), Reply(title="Bislett 1500m"),
                                         f"k-{team}")
        assert delivery.outcome is Outcome.DELIVERED
    assert [c.token for c in fake_slack.called("chat.postMessage")] == [one, two]


async def test_a_workspace_inside_an_enterprise_grid_org_is_answered_and_announced_to(installing, results_only_core,
                                                                                    fake_slack):
    fake_slack.orgs["T0GRID"] = "E0ORG"
    await install(installing, "T0GRID")
    assert [(org, team) for org, team, _ in installs(results_only_core)] == [("E0ORG", "T0GRID")]
    token = fake_slack.token_of("T0GRID")
    form = {**slash_form(fake_slack, "/next", "", user="U9", rid="grid", team="T0GRID"), "enterprise_id": "E0ORG"}
    await post_slash(installing.port, form)
    await fake_slack.wait_until(lambda: answers(fake_slack, "grid"))
    assert [c.token for c in fake_slack.called("users.info")] == [token]
    # An announcement knows only the channel's team: the team id alone finds the token.
    await installing.send(ChannelRef("slack", "T0GRID", "C0RESULTS"), Reply(title="Bislett 1500m"), "k1")
    assert [c.token for c in fake_slack.called("chat.postMessage")] == [token]


async def test_a_reinstall_replaces_the_token(installing, results_only_core, fake_slack):
    await install(installing, "T0ONE")
    first = fake_slack.token_of("T0ONE")
    fake_slack.revoke("T0ONE")
    await install(installing, "T0ONE")
    second = fake_slack.token_of("T0ONE")
    assert second != first and len(installs(results_only_core)) == 1
    await installing.send(ChannelRef("slack", "T0ONE", "C0RESULTS"), Reply(title="Bislett 1500m"), "k1")
    assert [c.token for c in fake_slack.called("chat.postMessage")] == [second]


async def test_a_forged_or_reused_state_gets_a_friendly_page_and_stores_nothing(installing, results_only_core,
                                                                                  fake_slack):
    forged = f"http://127.0.0.1:{installing.port}/slack/oauth_redirect?code=code-1&state=made-up"
    async with browser(installing) as session:
        async with session.get(forged) as resp:
            assert resp.status == 400
            page = await resp.text()
    assert "racebot was not installed" in page and "Start the install again" in page and "Nothing was changed" in page

    async with browser(installing) as session:
        back = await returns(installing, session, "T0ONE")
        async with browser(installing) as elsewhere:  # the same link in a browser without the install's cookie
            async with elsewhere.get(back) as resp:
                assert resp.status == 400 and "another browser" in await resp.text()
        async with session.get(back) as resp:
            assert resp.status == 200
    # The same return again, cookie and all (someone who captured both): the state is spent.
    state = parse_qs(urlsplit(back).query)["state"][0]
    async with browser(installing) as session:
        async with session.get(back, headers={"Cookie": f"slack-app-oauth-state={state}"}) as resp:
            assert resp.status == 401 and "already used" in await resp.text()
    assert len(fake_slack.called("oauth.v2.access")) == 1 and len(installs(results_only_core)) == 1

    async with browser(installing) as session:  # Slack's consent page cancelled
        async with session.get(f"http://127.0.0.1:{installing.port}/slack/oauth_redirect?error=access_denied") as resp:
            assert resp.status == 200 and "cancelled" in await resp.text()
    assert len(installs(results_only_core)) == 1


async def test_a_code_slack_refuses_stores_nothing(installing, results_only_core, fake_slack):
    async with browser(installing) as session:
        back = await returns(installing, session, "T0ONE")
        fake_slack._codes.clear()  # Slack no longer knows the code (expired)
        async with session.get(back) as resp:
            assert resp.status == 401 and "did not accept" in await resp.text()
    assert installs(results_only_core) == []


async def test_uninstall_and_revoked_tokens_remove_the_install(installing, results_only_core, fake_slack):
    await install(installing, "T0ONE")
    await install(installing, "T0TWO")
    assert await post_event(installing.port, "T0ONE", {"type": "app_uninstalled"}) == 200
    await until(lambda: [team for _, team, _ in installs(results_only_core)] == ["T0TWO"])
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOTT0TWO"]}}
    assert await post_event(installing.port, "T0TWO", revoked, event_id="Ev0002") == 200
    await until(lambda: installs(results_only_core) == [])

    # Nothing left to answer with: a command from there runs nothing but says why (bolt, through
    # the command's response_url), an announcement is GONE; no token is used.
    calls_before = len(fake_slack.calls)
    await post_slash(installing.port, slash_form(fake_slack, "/next", "", rid="gone", team="T0ONE"))
    delivery = await installing.send(ChannelRef("slack", "T0ONE", "C0RESULTS"), Reply(title="x"), "k-gone")
    assert delivery.outcome is Outcome.GONE
    assert fake_slack.calls[calls_before:] == [] and answers(fake_slack, "gone") == [{"text": NOT_INSTALLED}]


async def test_a_token_sealed_with_another_key_is_not_used(results_only_core, fake_slack, caplog):
    core = results_only_core
    adapter = SlackAdapter(core, oauth_settings(fake_slack, token_key=KEY))
    await adapter.start()
    fake_slack.redirect_uri = f"http://127.0.0.1:{adapter.port}/slack/oauth_redirect"
    try:
        await install(adapter, "T0ONE")
    finally:
        await adapter.stop()
    other = SlackAdapter(core, oauth_settings(fake_slack, token_key=Fernet.generate_key().decode()))
    await other.start()
    try:
        delivery = await other.send(ChannelRef("slack", "T0ONE", "C0RESULTS"), Reply(title="x"), "k")
    finally:
        await other.stop()
    assert delivery.outcome is Outcome.RETRY and not fake_slack.called("chat.postMessage")
    assert "cannot be opened" in caplog.text and fake_slack.token_of("T0ONE") not in caplog.text



async def test_the_manifest_for_many_workspaces_names_the_redirect_and_the_uninstall_events():
    from adapters.slack.manifest import build
    from bot.commands.catalog import build_registry

    events, registry = "https://bot.example.org/slack/events", build_registry()
    app = build(registry, request_url=events, redirect_url="https://bot.example.org/slack/oauth_redirect")
    assert app["oauth_config"]["redirect_urls"] == ["https://bot.example.org/slack/oauth_redirect"]
    assert app["oauth_config"]["scopes"]["bot"] == list(SCOPES)  # what /slack/install asks for
    assert app["settings"]["event_subscriptions"] == {"request_url": events,
                                                      "bot_events": ["app_uninstalled", "tokens_revoked"]}
    assert "event_subscriptions" not in build(registry, request_url=events)["settings"]


async def test_no_token_or_secret_reaches_the_log_even_at_debug(installing, fake_slack, caplog):
    caplog.set_level(logging.DEBUG)
    await install(installing, "T0ONE")
    await installing.send(ChannelRef("slack", "T0ONE", "C0RESULTS"), Reply(title="Bislett 1500m"), "k1")
    assert fake_slack.called("oauth.v2.access") and fake_slack.called("chat.postMessage")
    for secret in (fake_slack.token_of("T0ONE"), CLIENT_SECRET, KEY):
        assert secret not in caplog.text
