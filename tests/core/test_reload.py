"""Reloading the indexes (after a live poll) never leaves a command half-built ones to read."""
import asyncio

from bot.commands.registry import Context


async def test_commands_during_a_reload_answer_from_whole_indexes(core):
    before = core.indexes.athletes
    replies = []

    async def ask():
        for _ in range(40):
            replies.append(await core.handle_text("/h2h Kerr Ingebrigtsen", Context()))
            await asyncio.sleep(0)

    await asyncio.gather(core.start(), ask())
    assert core.indexes.athletes is not before  # swapped, not rebuilt in place
    assert len(replies) == 40
    assert {r.title for r in replies} == {"Josh Kerr v Jakob Ingebrigtsen"}
    assert all(r.data["wins"] == replies[0].data["wins"] for r in replies)
