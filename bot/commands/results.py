"""/results: a competition's finishing orders, one event or the winners of all."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command, Context, Invocation, Kind, Param
from bot.errors import UserError
from bot.models import Competition
from bot.race_report import known_finishers, race_reply, race_title, winner
from bot.replies import Column, Paragraph, Reply, Table

if TYPE_CHECKING:
    from bot.core import Core


def find_competition(core: "Core", text: str) -> tuple[Competition, list[Competition]]:
    index = core.indexes.competitions
    exact = index.resolve_id(text)
    if exact:
        return exact, []
    found = index.search(text, limit=4)
    if not found:
        raise UserError(f"I can't find a competition matching '{text}'.",
                        "Try a city or meeting and a year, e.g. /results oslo 2024 or /results pre classic 2024.")
    best, score = found[0]
    others = [c for c, s in found[1:] if s >= score - 0.01 and c.start.year == best.start.year]
    return best, others


async def run(core: "Core", inv: Invocation, ctx: Context) -> Reply:
    comp, others = find_competition(core, inv.args["competition"])
    event = inv.get("event")
    races = await core.store.race_results(comp.id, event)
    if not races:
        what = f" in the {core.indexes.events.get(event, event)}" if event else ""
        raise UserError(f"I have no results{what} at the {comp.label}.",
                        "Leave out the event to see every winner.")
    if event or len(races) == 1:
        reply = race_reply(races[0])
        for extra in races[1:]:
            # Several races of one event (heats, 'Final 2'): each gets its own table below.
            reply.paragraphs.append(Paragraph.of(f"{race_title(extra)}: {_won_by(extra)}."))
    else:
        reply = _overview(comp, races)
    if others:
        reply.paragraphs.append(Paragraph.of("Also matching: " + "; ".join(
            f"{c.label} ({c.venue})" for c in others) + "."))
    return reply


def _won_by(rr) -> str:
    first = winner(rr)
    known = known_finishers(rr)
    told = f"won by {first[1].name} in {first[0].mark}" if first else "the winner is not in racebot's data"
    return told + (f" (racebot knows {known} of the finishers)" if known is not None else "")


def _overview(comp: Competition, races) -> Reply:
    rows = []
    for rr in races:
        done = [(r, a) for r, a in rr.results if r.finished and r.place]
        if not done:
            continue
        if winner(rr) is None:  # known in part, without its winner: say so rather than crown 4th place
            rows.append((race_title(rr), "not known", "", "", f"racebot knows {known_finishers(rr)} finishers"))
            continue
        w, wa = done[0]
        partial = known_finishers(rr) is not None
        second = f"{done[1][1].name} {done[1][0].mark}" if len(done) > 1 and (not partial or done[1][0].place <= 2) else ""
        rows.append((race_title(rr), wa.name, w.mark, " ".join(w.flags), second))
    table = Table((Column("Event"), Column("Winner"), Column("Mark", "right"), Column("Flags"), Column("Second")), tuple(rows))
    reply = Reply(f"{comp.label}", [Paragraph.of(
        f"{len(rows)} events at {comp.venue or comp.name}, {comp.start.isoformat()}"
        + (f" to {comp.end.isoformat()}" if comp.end != comp.start else "") + ". Add an event for the full order.")],
        table)
    reply.footer = comp.series
    reply.data = {"competition": comp.name, "events": [dict(zip(("event", "winner", "mark", "flags", "second"), r))
                                                       for r in rows]}
    return reply


COMMAND = Command(
    "results", "Results of a competition",
    (Param("competition", Kind.COMPETITION, "Competition, e.g. oslo 2024", autocomplete=True),
     Param("event", Kind.EVENT, "Only this event, e.g. 1500m", required=False, autocomplete=True)),
    run, examples=("/results oslo 2024 1500m", "/results pre classic 2024"))
