"""/top: a season list, one mark per athlete, led by the world lead in our data."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command, Context, Invocation, Kind, Param
from bot.domain.disciplines import discipline
from bot.errors import UserError
from bot.domain.race_report import gender_label
from bot.replies import Column, Paragraph, Reply, Table

if TYPE_CHECKING:
    from bot.core import Core

LIST_LENGTH = 20


async def run(core: "Core", inv: Invocation, ctx: Context) -> Reply:
    event = inv.args["event"]
    d = discipline(event)
    gender = inv.get("gender") or "M"
    season = int(inv.args["season"]) if inv.get("season") else None
    if season is None:
        seasons = await core.store.seasons(event, gender)
        if not seasons:
            raise UserError(f"I have no {d.name} results for {'men' if gender == 'M' else 'women'}.")
        season = seasons[-1]
    perfs = await core.store.season_list(event, gender, season, LIST_LENGTH)
    who = gender_label(gender)
    if not perfs:
        raise UserError(f"I have no {who.lower()} {d.name} marks in {season}.", "Try another season.")
    rows = tuple((str(i), p.result.mark, p.athlete.name, p.athlete.country, f"{p.competition.name}",
                  p.race.day.isoformat()) for i, p in enumerate(perfs, 1))
    lead = perfs[0]
    reply = Reply(f"{who} {d.name} · {season}",
                  [Paragraph.of(f"{lead.athlete.name} leads with {lead.result.mark}, set at the "
                                f"{lead.competition.name} on {lead.race.day.isoformat()}.")],
                  Table((Column("#", "right"), Column("Mark", "right"), Column("Athlete"), Column("Nat"),
                         Column("Competition"), Column("Date")), rows))
    reply.footer = "One mark per athlete; only the competitions in our data. " + (
        "" if inv.get("gender") else "Add 'women' for the women's list.")
    reply.data = {"event": d.name, "gender": gender, "season": season,
                  "list": [{"rank": i, "athlete": p.athlete.name, "mark": p.result.mark} for i, p in enumerate(perfs, 1)]}
    return reply


COMMAND = Command("top", "Season list for an event",
                  (Param("event", Kind.EVENT, "Event, e.g. 1500m", autocomplete=True),
                   Param("season", Kind.SEASON, "Season, e.g. 2022", required=False),
                   Param("gender", Kind.GENDER, "men or women", required=False, choices=("men", "women"))),
                  run, examples=("/top 1500m 2022", "/top high jump women"))
