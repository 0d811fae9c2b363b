"""The cores the suite shares or copies keep their promises: the shared one refuses writes loudly,
a writable one starts as open_core leaves a core, with indexes of its own to reload."""
import sqlite3

import pytest
from cores import READ_ONLY, untouched

from bot.commands.registry import Context
from bot.announce.publishing import ChannelRef

ADMIN = Context(user_id="u1", channel=ChannelRef("console", "", "terminal"), is_admin=True)


async def test_a_write_through_the_shared_core_raises_and_fails_the_test(shared_core, caplog):
    with pytest.raises(sqlite3.OperationalError, match=READ_ONLY):
        await shared_core.store.set_meta("poison", "1")
    reply = await shared_core.handle_text("/subscribe kerr", ADMIN)  # the core's catch-all answers politely...
    assert reply.error
    with pytest.raises(pytest.fail.Exception, match="wrote through the shared read-only core"):
        untouched(shared_core, shared_core.registry.names(), caplog.records)  # ...and the guard still sees it
    caplog.clear()  # this test's own write was on purpose
    assert await shared_core.store.get_meta("poison") is None


def test_a_command_added_to_the_shared_core_fails_the_test(shared_core):
    names = shared_core.registry.names()
    with pytest.raises(pytest.fail.Exception, match="changed the shared core's commands"):
        untouched(shared_core, names + ["added-by-a-test"], [])


async def test_a_writable_core_is_started_like_the_shared_one_and_reloads_alone(core, shared_core):
    assert vars(core).keys() == vars(shared_core).keys()
    assert core.feed.seq == shared_core.feed.seq
    assert core.store.path != shared_core.store.path
    before = shared_core.indexes.athletes
    await core.store.set_meta("mine", "1")
    await core.start()
    assert core.indexes.athletes is not before and shared_core.indexes.athletes is before
    reply = await core.handle_text("/h2h Kerr Ingebrigtsen", ADMIN)
    assert reply.title == "Josh Kerr v Jakob Ingebrigtsen"
