"""/help, written from the command declarations so it never drifts from them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command, Context, Invocation, Kind, Param
from bot.errors import UserError
from bot.replies import Column, Field, Paragraph, Reply, Table

if TYPE_CHECKING:
    from bot.core import Core


async def run(core: "Core", inv: Invocation, ctx: Context) -> Reply:
    name = inv.get("command")
    if name:
        cmd = core.registry.get(name)
        if cmd is None:
            raise UserError(f"I don't know the command /{name.lstrip('/')}.", "Try /help for the list.")
        fields = [Field(p.name, p.description + ("" if p.required else " (optional)"), inline=False)
                  for p in cmd.params]
        paras = [Paragraph.of(cmd.description + "."), Paragraph.of("Usage: " + cmd.usage())]
        paras += [Paragraph.of("Example: " + e) for e in cmd.examples]
        return Reply(f"/{cmd.name}", paras, fields=fields)
    rows = tuple((f"/{c.name}", c.description + (" (channel admins)" if c.admin_only else ""))
                 for c in core.registry)
    return Reply("racebot commands", [Paragraph.of(
        "Athletics results and rivalries. Names can be loose: surnames, no accents, small typos. "
        "Options: event:1500m season:2024 finals. Type /help h2h for one command.")],
        Table((Column("Command"), Column("What it does")), rows))


COMMAND = Command("help", "How to use racebot",
                  (Param("command", Kind.TEXT, "A command to explain", required=False),),
                  run, examples=("/help", "/help h2h"))
