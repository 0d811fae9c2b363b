"""/help, written from the command declarations so it never drifts from them."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.registry import Args, Command, Context, Kind, Param, Registry
from bot.commands.services import Services
from bot.errors import UserError
from bot.replies import Column, Field, Paragraph, Reply, Table


@dataclass(frozen=True, kw_only=True)
class HelpArgs(Args):
    command: str | None = None


def explain(registry: Registry, args: HelpArgs) -> Reply:
    name = args.command
    if name:
        cmd = registry.get(name)
        if cmd is None:
            raise UserError(f"I don't know the command /{name.lstrip('/')}.", "Try /help for the list.")
        fields = [Field(p.name, p.description + ("" if p.required else " (optional)"), inline=False)
                  for p in cmd.params]
        paras = [Paragraph.of(cmd.description + "."), Paragraph.of("Usage: " + cmd.usage())]
        paras += [Paragraph.of("Example: " + e) for e in cmd.examples]
        return Reply(f"/{cmd.name}", paras, fields=fields)
    rows = tuple((f"/{c.name}", c.description + (" (channel admins)" if c.admin_only else ""))
                 for c in registry)
    return Reply("racebot commands", [Paragraph.of(
        "Athletics results and rivalries. Names can be loose: surnames, no accents, small typos. "
        "Options: event:1500m season:2024 finals. Type /help h2h for one command.")],
        Table((Column("Command"), Column("What it does")), rows, tuple((name, what) for name, what in rows)))


def command(registry: Registry) -> Command[HelpArgs]:
    """/help over `registry`, which it is then added to: it lists whatever the registry holds."""
    async def run(services: Services, args: HelpArgs, ctx: Context) -> Reply:
        return explain(registry, args)

    return Command("help", "How to use racebot",
                   (Param("command", Kind.TEXT, "A command to explain", required=False),),
                   run, examples=("/help", "/help h2h"), args=HelpArgs)
