"""/athlete: personal bests, season bests, recent results and season-list rank."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.commands.registry import Args, Command, Context, Kind, Param
from bot.commands.services import Services
from bot.coverage import coverage_of
from bot.domain.disciplines import discipline
from bot.errors import UserError
from bot.domain.marks import beats
from bot.domain.models import Performance
from bot.domain.people import WA_SCHEME, badges, people
from bot.h2h.pairing import not_found
from bot.h2h.prose import counted
from bot.narrow import BREAK
from bot.replies import Column, Field, Menu, Option, Paragraph, Reply, Table
from bot.search.athletes import AthleteIndex
from bot.store import StatedBest

RECENT = 8
CLOSE = 1.25  # prominence within this factor: too close to guess between namesakes
NAMESAKES = 25  # the most a Discord select menu holds


@dataclass(frozen=True, kw_only=True)
class AthleteArgs(Args):
    name: str


def _athlete_command(athlete_id: int) -> str:
    return f"/athlete #{athlete_id}"


def resolve_one(athletes: AthleteIndex, text: str, clickable: bool = False,
                pick: Callable[[int], str] = _athlete_command) -> tuple[int, list[int]]:
    """The athlete a fan means, and namesakes worth mentioning. Where the asker can click, a
    name too close to call comes back with a menu of the namesakes to pick from."""
    cands = athletes.candidates(text, limit=NAMESAKES if clickable else 8)
    if not cands:
        raise not_found(text)
    top = sorted((c for c in cands if c.score >= cands[0].score - 3), key=lambda c: -c.prominence)
    if len(top) > 1 and top[1].prominence * CLOSE >= top[0].prominence:
        names = "; ".join(athletes.label(c.athlete_id) for c in top[:5])
        if clickable:
            raise UserError(f"'{text}' could be {names}.", "Pick one below, or type the full name.",
                            [namesakes(athletes, [c.athlete_id for c in top], "Which one?", pick)])
        raise UserError(f"'{text}' could be {names}.", "Type the full name to pick one.")
    return top[0].athlete_id, [c.athlete_id for c in top[1:4]]


def namesakes(athletes: AthleteIndex, ids: list[int], placeholder: str,
              pick: Callable[[int], str] = _athlete_command) -> Menu:
    """A menu of athletes, each answered by `pick`'s command (/athlete with its id); only the asker may pick."""
    return Menu(placeholder, [Option(athletes.label(i)[:100], pick(i)) for i in ids[:NAMESAKES]], personal=True)


def best_by_event(perfs: list[Performance]) -> dict[str, Performance]:
    best: dict[str, Performance] = {}
    for p in perfs:
        if not p.result.counts_for_lists:
            continue
        d = p.race.discipline
        cur = best.get(p.race.event)
        if cur is None or beats(d, p.result.known_value, cur.result.known_value):
            best[p.race.event] = p
    return best


def personal_bests(own: dict[str, Performance], stated: list[StatedBest]) -> dict[str, tuple[str, str, str, str]]:
    """event -> (event, label, text, mark). A best a source states (with its date) is the PB, unless
    racebot holds a better mark, which then is; a best only from racebot's own results is just
    that, "best in racebot's data", never a PB. Indoor events are events of their own."""
    out = {}
    for s in stated:
        out[s.event] = (s.event, f"PB {discipline(s.event).name}",
                        f"{s.mark} ({s.day.isoformat() if s.day else 'date unknown'}"
                        + (f", {s.competition})" if s.competition else ")"), s.mark)
    for e, p in own.items():
        where = f"{p.result.mark} ({p.competition.name} {p.race.day.isoformat()})"
        claimed = next((x for x in stated if x.event == e), None)
        if claimed is None:
            out[e] = (e, f"Best in racebot's data, {discipline(e).name}", where, p.result.mark)
        elif beats(discipline(e), p.result.known_value, claimed.value):
            out[e] = (e, f"PB {discipline(e).name}", where, p.result.mark)
    return out


async def run(services: Services, args: AthleteArgs, ctx: Context) -> Reply:
    athletes, store = services.indexes.athletes, services.store
    aid, others = resolve_one(athletes, args.name, ctx.clickable)
    stat = athletes.stats[aid]
    a = stat.athlete
    perfs = await store.athlete_results(aid)
    if not perfs:
        raise UserError(f"I have no results for {a.name}.")
    own = best_by_event(perfs)
    season = perfs[0].race.day.year
    sbs = best_by_event([p for p in perfs if p.race.day.year == season])
    bests = personal_bests(own, await store.stated_bests(aid))
    raced = {e: sum(1 for x in perfs if x.race.event == e) for e in own}
    fields = [Field(label, text) for _, label, text, _ in sorted(bests.values(), key=lambda b: -raced.get(b[0], 0))][:8]
    fields += [Field(f"SB {season} {discipline(e).name}", p.result.mark) for e, p in sbs.items()][:4]
    main = stat.events[0] if stat.events else None
    if main and main in sbs:
        ranked = await store.season_list(main, a.gender or perfs[0].race.gender, season, 500)
        pos = next((i for i, p in enumerate(ranked, 1) if p.athlete.id == aid), None)
        if pos:
            fields.append(Field(f"{season} list", f"No. {pos} in the {discipline(main).name} in our data"))
    rows = tuple((p.race.day.isoformat(), f"{p.competition.name}", p.race.discipline.name,
                  str(p.result.place or ""), p.result.mark, " ".join(p.result.flags)) for p in perfs[:RECENT])
    born = f", born {a.birth_year}" if a.birth_year else ""
    intro = Paragraph.of(f"{a.name} ({a.country or 'unknown country'}{born}): {counted(stat.results, 'result')} in our data, "
                         f"{perfs[-1].race.day.year}–{season}.")
    paragraphs = [intro]
    if others:
        paragraphs.append(Paragraph.of("Not the one? Also: " + "; ".join(athletes.label(o) for o in others) + "."))
    coverage = await coverage_of(store, [a])
    # On a phone: `2024-05-25 Prefontaine Classic` over `Mile · 1. 3:45.34 · NR WL PB`.
    narrow = tuple((f"{day} {comp}", BREAK.join(x for x in (event, f"{place}. {mark}" if place else mark, flags) if x))
                   for day, comp, event, place, mark, flags in rows)
    wa_ids = await store.source_ids([a.id], WA_SCHEME)
    recent = badges((p.result, f"{p.race.discipline.name} {p.result.mark}, {p.competition.name} {p.race.day.year}")
                    for p in perfs[:RECENT])
    return Reply(a.name, paragraphs, Table((Column("Date"), Column("Competition"), Column("Event"),
                                            Column("Pl", "right"), Column("Mark", "right"),
                                            Column("Flags", kind="flags")), rows, narrow),
                 fields, footer=f"Data to {services.indexes.today.isoformat()}.", coverage=coverage,
                 people=people([a], wa_ids), badges=recent,
                 data={"athlete": {"id": a.id, "name": a.name, "country": a.country},
                       "pbs": {discipline(e).name: mark for e, (_, label, _, mark) in bests.items()
                               if label.startswith("PB")},
                       "bests_in_data": {discipline(e).name: mark for e, (_, label, _, mark) in bests.items()
                                         if not label.startswith("PB")}, "coverage": coverage},
                 actions=[namesakes(athletes, others, "Not the one?")] if others and ctx.clickable else ())


COMMAND = Command("athlete", "An athlete's bests and recent results",
                  (Param("name", Kind.ATHLETE, "Athlete, e.g. Ingebrigtsen", autocomplete=True),),
                  run, examples=("/athlete Jakob Ingebrigtsen", "/athlete nordas"), args=AthleteArgs)
