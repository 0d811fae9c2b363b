"""The one line of rivalry context an announcement carries: `Ingebrigtsen now leads Cheruiyot 13–6.`

Only for two finishers of the race who have met at least three times (this race included);
of those pairs, the one finishing highest, so the line is about the front of the race.
"""
from __future__ import annotations

from bot.domain.models import RaceResults
from bot.h2h.prose import short_names
from bot.h2h.record import record
from bot.store import Queries

MIN_MEETINGS = 3
_CONSIDERED = 8  # finishers looked at: rivalries further back are not the story
_TRIED = 3  # candidate pairs checked in full (pair counts are a cheap first cut)


async def rivalry_line(store: Queries, rr: RaceResults) -> str | None:
    placed = [(res.place, ath) for res, ath in rr.results if res.finished and res.place][:_CONSIDERED]
    if len(placed) < 2:
        return None
    place = {ath.id: p for p, ath in placed}
    people = {ath.id: ath for _, ath in placed}
    counts: dict[tuple[int, int], int] = {}
    for p in await store.pair_stats(list(place), list(place)):
        if p.meetings >= MIN_MEETINGS and p.a < p.b:
            counts[(p.a, p.b)] = p.meetings
    ranked = sorted(counts, key=lambda ab: (place[ab[0]] + place[ab[1]], min(place[ab[0]], place[ab[1]]), -counts[ab]))
    here = (rr.race.day, rr.race.id)
    for a, b in ranked[:_TRIED]:
        # Later races may be stored already (a replay, a late announcement): count up to this one.
        meetings = [m for m in await store.meetings(a, b) if (m.race.day, m.race.id) <= here]
        rec = record(meetings)
        if rec.total < MIN_MEETINGS:
            continue
        sa, sb = short_names(people[a], people[b])
        wa, wb = rec.wins["a"], rec.wins["b"]
        before = record([m for m in meetings if m.race.id != rr.race.id]).wins
        if wa == wb:
            return f"{sa} and {sb} are now level {wa}–{wb}."
        lead, trail, hi, lo = (sa, sb, wa, wb) if wa > wb else (sb, sa, wb, wa)
        side, other = ("a", "b") if wa > wb else ("b", "a")
        # "now" only when this race gave the lead: after the trailer won one back, the leader still leads
        now = "now leads" if before[side] <= before[other] else "leads"
        return f"{lead} {now} {trail} {hi}–{lo}."
    return None
