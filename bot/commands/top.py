"""/top: a season list, one mark per athlete, led by the world lead in our data."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.again import event_words, line, page_word
from bot.commands.pages import paged
from bot.commands.registry import Args, Command, Context, Kind, Param
from bot.commands.services import Services
from bot.domain.disciplines import discipline
from bot.domain.gender import Gender
from bot.errors import UserError
from bot.domain.race_report import gender_label
from bot.narrow import BREAK
from bot.replies import Column, Paragraph, Reply, Table

LIST_LENGTH = 20


@dataclass(frozen=True, kw_only=True)
class TopArgs(Args):
    event: str
    season: int | None = None
    gender: Gender | None = None
    page: int | None = None


async def run(services: Services, args: TopArgs, ctx: Context) -> Reply:
    event = args.event
    d = discipline(event)
    gender = args.gender or "M"
    season = args.season
    if season is None:
        seasons = await services.store.seasons(event, gender)
        if not seasons:
            raise UserError(f"I have no {d.name} results for {'men' if gender == 'M' else 'women'}.")
        season = seasons[-1]
    page = args.page or 1
    # One row past the page says whether there is a next one; the list is read only this far.
    perfs = await services.store.season_list(event, gender, season, LIST_LENGTH * page + 1)
    more = len(perfs) > LIST_LENGTH * page
    perfs = perfs[:LIST_LENGTH * page]
    who = gender_label(gender)
    if not perfs:
        raise UserError(f"I have no {who.lower()} {d.name} marks in {season}.", "Try another season.")
    rows = tuple((str(i), p.result.mark, p.athlete.name, p.athlete.country, f"{p.competition.name}",
                  p.race.day.isoformat()) for i, p in enumerate(perfs, 1))
    lead = perfs[0]

    def again(to: int) -> str | None:
        return line("top", event_words(event), f"season:{season}",
                    {"M": "men", "W": "women"}[gender] if args.gender else "", page_word(to))

    return paged(Reply(f"{who} {d.name} · {season}",
                 [Paragraph.of(f"{lead.athlete.name} leads with {lead.result.mark}, set at the "
                               f"{lead.competition.name} on {lead.race.day.isoformat()}.")],
                 Table((Column("#", "right"), Column("Mark", "right"), Column("Athlete"), Column("Nat", kind="country"),
                        Column("Competition"), Column("Date")), rows,
                       # On a phone: `1. 3:26.73 Jakob Ingebrigtsen NOR` over `Bislett Games · 2024-05-30`.
                       tuple((f"{rank}. {mark} {name} {nat}".rstrip(), f"{comp}{BREAK}{day}")
                             for rank, mark, name, nat, comp, day in rows)),
                 footer="One mark per athlete; only the competitions in our data. " + (
                     "" if args.gender else "Add 'women' for the women's list."),
                 data={"event": d.name, "gender": gender, "season": season,
                       "list": [{"rank": i, "athlete": p.athlete.name, "mark": p.result.mark}
                                for i, p in enumerate(perfs, 1)][LIST_LENGTH * (page - 1):]}),
                 page, LIST_LENGTH, again, ctx.clickable, more=more)


COMMAND = Command("top", "Season list for an event",
                  (Param("event", Kind.EVENT, "Event, e.g. 1500m", autocomplete=True),
                   Param("season", Kind.SEASON, "Season, e.g. 2022", required=False),
                   Param("gender", Kind.GENDER, "men or women", required=False, choices=("men", "women")),
                   Param("page", Kind.PAGE, "Page of the list, e.g. 2", required=False)),
                  run, examples=("/top 1500m 2022", "/top high jump women"), args=TopArgs)
