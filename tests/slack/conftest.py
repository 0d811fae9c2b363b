"""Fixtures for the Slack adapter: a fake Slack on loopback, signed slash-command requests, a real core."""
from __future__ import annotations

import aiohttp
import pytest
import pytest_asyncio
from fake_slack import BOT_TOKEN, FakeSlack
from slack_requests import slack_settings

from adapters.slack.outbound import Outbound, web_client
from adapters.slack.publisher import SlackPublisher


@pytest.fixture(autouse=True)
def no_real_tokens(monkeypatch):
    """Nothing here may reach a real workspace, whatever the developer's shell exports."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID",
                 "SLACK_CLIENT_SECRET", "SLACK_VERIFICATION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest_asyncio.fixture
async def fake_slack():
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest_asyncio.fixture
async def outbound(fake_slack):
    """The adapter's one outbound function, wired to the fake."""
    async with aiohttp.ClientSession() as session:
        yield Outbound(web_client(session, fake_slack.api_base_url, BOT_TOKEN), session)


@pytest.fixture
def publisher(outbound):
    return SlackPublisher(outbound)


@pytest.fixture
def admin_name(shared_core) -> str:
    cmd = shared_core.registry.get("subscribe")
    assert cmd is not None and cmd.admin_only
    return "subscribe"


async def started_adapter(core, fake: FakeSlack, mode: str):
    from adapters.slack.adapter import SlackAdapter

    adapter = SlackAdapter(core, slack_settings(fake, mode, admins=("U0LISTED",)))
    await adapter.start()
    return adapter


@pytest_asyncio.fixture
async def http_adapter(core, admin_name, fake_slack):
    """Over a core of its own: the adapter remembers every signed request in the store (replays.py)."""
    adapter = await started_adapter(core, fake_slack, "http")
    yield adapter
    await adapter.stop()


@pytest_asyncio.fixture
async def http_adapter_results_only(results_only_core, admin_name, fake_slack):
    """As `http_adapter`, over a core of the store without the histories (tests/results_only.py), for a
    test that imports and reloads: a fifth of the whole store's cost."""
    adapter = await started_adapter(results_only_core, fake_slack, "http")
    yield adapter
    await adapter.stop()


@pytest_asyncio.fixture
async def socket_adapter(shared_core, fake_slack):
    adapter = await started_adapter(shared_core, fake_slack, "socket")
    yield adapter
    await adapter.stop()
