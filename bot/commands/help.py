"""/help, written from the command declarations so it never drifts from them."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.registry import TEXT, Args, Command, Context, Kind, Param, Registry, Syntax
from bot.commands.services import Services
from bot.commands.usage import example, usage
from bot.errors import UserError
from bot.replies import Column, Field, Paragraph, Reply, Table


@dataclass(frozen=True, kw_only=True)
class HelpArgs(Args):
    command: str | None = None


def explain(registry: Registry, args: HelpArgs, syntax: Syntax = TEXT) -> Reply:
    """The commands, or one command, in the syntax of the platform that asked."""
    name = args.command
    me = registry.get("help")
    more = example(me, "/help h2h", syntax) if me else ""
    if name:
        cmd = registry.get(name)
        if cmd is None:
            raise UserError(f"I don't know the command /{name.lstrip('/')}.",
                            f"Try {syntax.command('help')} for the list.")
        fields = [Field(p.name, p.description + ("" if p.required else " (optional)"), inline=False)
                  for p in cmd.params]
        paras = [Paragraph.of(cmd.description + "."), Paragraph.of("Usage: " + usage(cmd, syntax))]
        paras += [Paragraph.of("Example: " + example(cmd, e, syntax)) for e in cmd.examples]
        return Reply(syntax.command(cmd.name), paras, fields=fields)
    rows = tuple((syntax.command(c.name), c.description + (" (channel admins)" if c.admin_only else ""))
                 for c in registry)
    options = ("Options appear as you type the command." if syntax.options
               else "Options: event:1500m season:2024 finals.")
    return Reply("racebot commands", [Paragraph.of(
        "Athletics results and rivalries. Names can be loose: surnames, no accents, small typos. "
        f"{options} Type {more} for one command.")],
        Table((Column("Command"), Column("What it does")), rows, tuple((name, what) for name, what in rows)))


def command(registry: Registry) -> Command[HelpArgs]:
    """/help over `registry`, which it is then added to: it lists whatever the registry holds."""
    async def run(services: Services, args: HelpArgs, ctx: Context) -> Reply:
        return explain(registry, args, ctx.syntax)

    return Command("help", "How to use racebot",
                   (Param("command", Kind.TEXT, "A command to explain", required=False),),
                   run, examples=("/help", "/help h2h"), args=HelpArgs)
