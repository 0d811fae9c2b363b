"""The install flow on both store backends (tests/backends.py): install two workspaces through real
bolt and the fake's consent, an announcement to each with its own token, an uninstall; the same
on SQLite and on PostgreSQL, where replicas would share it."""
from __future__ import annotations

import pytest
from backends import any_store, store_target, pg_schema, pg_server, table_rows  # noqa: F401 (fixtures)
from install_flow import install, until
from slack_requests import oauth_settings, post_event

from adapters.slack.adapter import SlackAdapter
from bot.announce.publishing import ChannelRef, Outcome
from bot.core import Core
from bot.replies import Reply

pytestmark = pytest.mark.asyncio


async def test_install_announce_and_uninstall_on_either_store(any_store, fake_slack):
    adapter = SlackAdapter(Core(any_store), oauth_settings(fake_slack))  # no key: stored marked plain
    await adapter.start()
    fake_slack.redirect_uri = f"http://127.0.0.1:{adapter.port}/slack/oauth_redirect"
    try:
        for team in ("T0ONE", "T0TWO"):
            assert (await install(adapter, team))[0] == 200
        rows = await table_rows(any_store, "installs", "workspace, secret")
        assert rows == [("T0ONE", f"plain:{fake_slack.token_of('T0ONE')}"),
                        ("T0TWO", f"plain:{fake_slack.token_of('T0TWO')}")]
        for team in ("T0ONE", "T0TWO"):
            delivery = await adapter.send(ChannelRef("slack", team, "C0R"), Reply(title="Bislett 1500m"), f"k{team}")
            assert delivery.outcome is Outcome.DELIVERED
        assert [c.token for c in fake_slack.called("chat.postMessage")] == \
            [fake_slack.token_of("T0ONE"), fake_slack.token_of("T0TWO")]
        assert await post_event(adapter.port, "T0ONE", {"type": "app_uninstalled"}) == 200

        async def only_two_left() -> bool:
            return await table_rows(any_store, "installs", "workspace") == [("T0TWO",)]
        await until(only_two_left)
        assert await table_rows(any_store, "install_states") == []  # both states spent
    finally:
        await adapter.stop()

