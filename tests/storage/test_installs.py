"""Installations and the install flow's one-time states (bot.store.installs), on both backends."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backends import any_store, store_target, pg_schema, pg_server, table_rows  # noqa: F401 (fixtures)
from bot.store.installs import Install

pytestmark = pytest.mark.asyncio

NOW = datetime(2026, 12, 4, 5, 0, tzinfo=timezone.utc)


async def test_an_install_is_saved_found_replaced_and_deleted(any_store):
    first = Install("slack", "", "T1", "sealed-1", '{"bot_id": "B1"}', NOW)
    await any_store.save_install(first)
    await any_store.save_install(Install("slack", "E1", "org:E1", "sealed-org", "{}", NOW))  # a whole org
    await any_store.save_install(Install("slack", "E1", "T2", "sealed-grid", "{}", NOW))  # a workspace in it
    assert await any_store.find_install("slack", "T1") == first
    assert await any_store.find_install("slack", "T3") is None
    again = Install("slack", "E9", "T1", "sealed-2", '{"bot_id": "B2"}', NOW + timedelta(days=1))  # a reinstall
    await any_store.save_install(again)
    assert await any_store.find_install("slack", "T1") == again
    assert len(await table_rows(any_store, "installs")) == 3
    assert await any_store.delete_install("slack", "T1")
    assert not await any_store.delete_install("slack", "T1")  # Slack may tell us twice
    assert await any_store.find_install("slack", "T1") is None
    assert (await any_store.find_install("slack", "org:E1")).secret == "sealed-org"
    assert (await any_store.find_install("slack", "T2")).org == "E1"


async def test_the_secret_is_kept_out_of_the_repr():
    assert "sealed" not in repr(Install("slack", "", "T1", "sealed-1"))


async def test_a_state_is_consumed_once_and_only_before_it_expires(any_store):
    await any_store.issue_state("slack:a", NOW + timedelta(minutes=10), NOW)
    await any_store.issue_state("slack:b", NOW + timedelta(minutes=10), NOW)
    assert await any_store.consume_state("slack:a", NOW)
    assert not await any_store.consume_state("slack:a", NOW)  # single use
    assert not await any_store.consume_state("slack:never", NOW)
    assert not await any_store.consume_state("slack:b", NOW + timedelta(minutes=10))  # expired at that moment
    assert await table_rows(any_store, "install_states") == []  # and forgotten on the way

    # bolt's state store over it (adapters/slack/oauth_states.py): random states, once, ten minutes.
    from adapters.slack.oauth_states import STATE_SECONDS, StoreStates

    now = [NOW.timestamp()]
    states = StoreStates(any_store, clock=lambda: now[0])
    first, second = await states.async_issue(), await states.async_issue()
    assert first != second and len(first) >= 40
    assert await states.async_consume(first) and not await states.async_consume(first)
    now[0] += STATE_SECONDS  # the browser came back too late
    assert not await states.async_consume(second) and not await states.async_consume("made-up")
    # Opening the install link only ever keeps one expiry's worth of states.
    for _ in range(3):
        await states.async_issue()
        now[0] += STATE_SECONDS
    await states.async_issue()
    assert len(await table_rows(any_store, "install_states")) == 1
