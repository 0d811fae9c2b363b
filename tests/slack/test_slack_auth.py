"""Who counts as an admin: users.info flags, config-listed ids, caching, failing closed."""
from __future__ import annotations

import aiohttp
import pytest
from fake_slack import BOT_TOKEN
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.auth import CACHE_SECONDS, AdminCheck
from adapters.slack.users import Users

pytestmark = pytest.mark.asyncio


async def test_admin_flags_listed_ids_cache_and_failures(fake_slack):
    fake_slack.users.update({"UADMIN": {"is_admin": True}, "UOWNER": {"is_owner": True},
                             "UPRIMARY": {"is_primary_owner": True}, "UFAN": {"is_admin": False}})
    now = [1000.0]
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_base_url, session=session)
        check = AdminCheck(Users(client, clock=lambda: now[0]), frozenset({"ULISTED"}))
        assert [await check.is_admin(u) for u in ("UADMIN", "UOWNER", "UPRIMARY", "UFAN", "ULISTED")] == \
            [True, True, True, False, True]
        assert await check.is_admin("UNOBODY") is False  # users.info error: fail closed
        fake_slack.fail_next("users.info", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"})
        assert await check.is_admin("UOTHER") is False
        asked = len(fake_slack.called("users.info"))
        assert await check.is_admin("UFAN") is False and len(fake_slack.called("users.info")) == asked  # cached
        fake_slack.users["UFAN"]["is_admin"] = True  # promoted; seen once the cache entry expires
        now[0] += CACHE_SECONDS + 1
        assert await check.is_admin("UFAN") is True
        assert "ULISTED" not in [c.args["user"] for c in fake_slack.called("users.info")]
