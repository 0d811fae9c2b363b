"""/results: a competition's finishing orders, one event or the winners of all."""
from __future__ import annotations

from dataclasses import dataclass, replace

from bot.charts.gaps import gaps_chart
from bot.commands.again import event_words, line, page_word, quoted
from bot.commands.pages import paged
from bot.commands.registry import Args, Command, Context, Kind, Param
from bot.commands.services import Services
from bot.errors import UserError
from bot.domain.gender import Gender
from bot.domain.models import Competition, RaceResults
from bot.race_choice import RaceWords, choose, picking_words, take_day, take_round
from bot.domain.people import WA_SCHEME
from bot.domain.race_report import known_finishers, race_reply, race_title, winner
from bot.h2h.prose import counted
from bot.narrow import BREAK
from bot.replies import Column, Paragraph, Reply, Table
from bot.search.competitions import CompetitionIndex


@dataclass(frozen=True, kw_only=True)
class ResultsArgs(Args):
    competition: str
    event: str | None = None
    gender: Gender | None = None
    page: int | None = None


PAGE_ROWS = 20  # rows a page where the asker can page (Discord, Slack)


def find_competition(index: CompetitionIndex, text: str) -> tuple[Competition, list[Competition], tuple[str, ...]]:
    """The competition, others as likely, and the words left over for its races' labels."""
    exact = index.resolve_id(text)
    if exact:
        return exact, [], ()
    found = index.find(text, limit=4)
    if not found:
        raise UserError(f"I can't find a competition matching '{text}'.",
                        "Try a city or meeting and a year, e.g. /results oslo 2024 or /results pre classic 2024.")
    best, score, left = found[0]
    others = [c for c, s, _ in found[1:] if s >= score - 0.01 and c.start.year == best.start.year]
    return best, others, left


async def run(services: Services, args: ResultsArgs, ctx: Context) -> Reply:
    store = services.store
    words, day = take_day(args.competition.split())
    words, rnd, number = take_round(words)
    if not words:
        raise UserError("Which competition?", "Example: /results oslo 2024 1500m heat 2")
    comp, others, labels = find_competition(services.indexes.competitions, " ".join(words))
    want = RaceWords(args.gender, args.event, rnd, number, labels, day)
    races = await store.race_results(comp.id, want.event)
    chosen, passed = choose(races, want)
    for other in others if not chosen else ():  # as well named, and it holds the race asked for
        its_races = await store.race_results(other.id, want.event)
        if choose(its_races, want)[0]:
            others = [comp] + [c for c in others if c is not other]
            comp, races = other, its_races
            chosen, passed = choose(races, want)
            break
    if not chosen:
        what = f" in the {services.indexes.events.get(want.event, want.event)}" if want.event else ""
        raise UserError(f"I have no results{what} at the {comp.label} that match.",
                        "Leave out the event (or men/women, round, race words) to see every race.")
    if len(chosen) == 1 and want.narrowing:
        rr = chosen[0]
        wa_ids = await store.source_ids([ath.id for _, ath in rr.results], WA_SCHEME)
        reply = race_reply(rr, others=await store.other_versions(rr.race.id), wa_ids=wa_ids)
        if ctx.charts:
            reply = _charted(reply, rr)
        if passed:
            reply = _also(reply, "Also: " + "; ".join(
                f"{race_title(rr)} ({picking_words(rr, races)})" for rr in passed) + ".")
    elif want.event:
        reply = _several(comp, chosen + passed, races)
    else:
        reply = _overview(comp, chosen)
    if others:
        reply = _also(reply, "Also matching: " + "; ".join(f"{c.label} ({c.venue})" for c in others) + ".")
    if not (ctx.clickable or args.page):
        return reply  # the terminal shows every row at once

    def again(to: int) -> str | None:
        return line("results", quoted(args.competition), event_words(args.event) if args.event else "",
                    {"M": "men", "W": "women"}[args.gender] if args.gender else "", page_word(to))

    return paged(reply, args.page or 1, PAGE_ROWS, again, ctx.clickable)


def _charted(reply: Reply, rr: RaceResults) -> Reply:
    """The race's reply with its gaps chart, whose points --json carries too."""
    chart = gaps_chart(rr)
    return replace(reply, chart=chart, data={**(reply.data or {}), "chart": chart.spec if chart else None})


def _also(reply: Reply, text: str) -> Reply:
    return replace(reply, paragraphs=(*reply.paragraphs, Paragraph.of(text)))


def _several(comp: Competition, chosen: list[RaceResults], races: list[RaceResults]) -> Reply:
    """Several races still match: each with the words that pick it, instead of picking one."""
    rows = []
    for rr in chosen:
        rows.append((race_title(rr).strip(), rr.race.day.isoformat(), _won_by(rr), picking_words(rr, races)))
    table = Table((Column("Race"), Column("Date"), Column("Winner"), Column("Add")), tuple(rows),
                  tuple((f"{race}{BREAK}{day}", won, f"add: {words}") for race, day, won, words in rows))
    return Reply(f"{comp.label}: {len(rows)} races match",
                 [Paragraph.of("Add the words beside a race to see its full result.")], table,
                 data={"competition": comp.name, "races": [dict(zip(("race", "date", "winner", "words"), r))
                                                           for r in rows]})


def _won_by(rr: RaceResults) -> str:
    first = winner(rr)
    known = known_finishers(rr)
    told = f"won by {first[1].name} in {first[0].mark}" if first else "the winner is not in racebot's data"
    return told + (f" (racebot knows {known} of the finishers)" if known is not None else "")


def _narrow_winner(event: str, name: str, mark: str, flags: str, second: str) -> tuple[str, str]:
    """`Men's 1500m` over `Jakob Ingebrigtsen 3:29.74 · WL · 2nd Timothy Cheruiyot 3:29.77`."""
    if not mark:  # a race known in part without its winner: `second` says what racebot knows
        return event, BREAK.join(x for x in ("winner not known", second) if x)
    return event, BREAK.join(x for x in (f"{name} {mark}", flags, f"2nd {second}" if second else "") if x)


def _overview(comp: Competition, races: list[RaceResults]) -> Reply:
    rows = []
    for rr in races:
        done = [(r, a) for r, a in rr.results if r.finished and r.place]  # so `place or 0` is place
        if not done:
            continue
        if winner(rr) is None:  # known in part, without its winner: say so rather than crown 4th place
            rows.append((race_title(rr), "not known", "", "", f"racebot knows {counted(known_finishers(rr) or 0, 'finisher')}"))
            continue
        w, wa = done[0]
        partial = known_finishers(rr) is not None
        shown = len(done) > 1 and (not partial or (done[1][0].place or 0) <= 2)
        second = f"{done[1][1].name} {done[1][0].mark}" if shown else ""
        rows.append((race_title(rr), wa.name, w.mark, " ".join(w.flags), second))
    table = Table((Column("Event"), Column("Winner"), Column("Mark", "right"), Column("Flags", kind="flags"),
                   Column("Second")), tuple(rows), tuple(_narrow_winner(*row) for row in rows))
    return Reply(f"{comp.label}", [Paragraph.of(
        f"{len(rows)} events at {comp.venue or comp.name}, {comp.start.isoformat()}"
        + (f" to {comp.end.isoformat()}" if comp.end != comp.start else "") + ". Add an event for the full order.")],
        table, footer=comp.series,
        data={"competition": comp.name, "events": [dict(zip(("event", "winner", "mark", "flags", "second"), r))
                                                   for r in rows]})


COMMAND = Command(
    "results", "Results of a competition",
    (Param("competition", Kind.COMPETITION, "Competition, e.g. oslo 2024", autocomplete=True),
     Param("event", Kind.EVENT, "Only this event, e.g. 1500m", required=False, autocomplete=True),
     Param("gender", Kind.GENDER, "men or women", required=False, choices=("men", "women")),
     Param("page", Kind.PAGE, "Page of a long result, e.g. 2", required=False)),
    run, examples=("/results oslo 2024 1500m", "/results pre classic 2024",
                     "/results pre classic 2017 1500m women national", "/results zurich 2020 100y"),
    args=ResultsArgs)
