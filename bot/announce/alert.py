"""A follow alert as the follower reads it in their direct messages.

For each followed athlete in the race: the place and the mark, and the head-to-head with the
rival in that race they have met most often (counted up to this race). A rivalry follow gives
both results and the updated head-to-head. Several alerts due together become one digest.
"""
from __future__ import annotations

from dataclasses import replace

from bot.announce.follows import AlertNote
from bot.domain.models import Athlete, RaceResults, Result
from bot.domain.race_report import race_title
from bot.h2h.prose import counted, short_names
from bot.h2h.record import record
from bot.replies import Paragraph, Reply, Span
from bot.store import Queries

UNFOLLOW_HINT = "/following lists your follows; /unfollow stops one."


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _how(res: Result) -> str:
    if res.status:
        return res.status
    place = f"{_ordinal(res.place)} in " if res.place else ""
    return f"{place}{res.mark}" if res.mark else (place.removesuffix(" in ") or "no mark")


async def head_to_head(store: Queries, rr: RaceResults, a: Athlete, b: Athlete) -> str:
    """'Kerr v Ingebrigtsen: Ingebrigtsen leads 5–3 in 8 meetings', counted up to this race."""
    here = (rr.race.day, rr.race.id)
    meetings = [m for m in await store.meetings(a.id, b.id) if (m.race.day, m.race.id) <= here]
    rec = record(meetings)
    sa, sb = short_names(a, b)
    wa, wb = rec.wins["a"], rec.wins["b"]
    if not rec.total:
        return f"{sa} v {sb}: their first meeting."
    if wa == wb:
        return f"{sa} v {sb}: level {wa}–{wb} in {counted(rec.total, 'meeting')}."
    lead, hi, lo = (sa, wa, wb) if wa > wb else (sb, wb, wa)
    return f"{sa} v {sb}: {lead} leads {hi}–{lo} in {counted(rec.total, 'meeting')}."


async def _main_rival(store: Queries, rr: RaceResults, athlete: Athlete) -> Athlete | None:
    """The rival in this race the athlete has met most often (ties: the one placed higher)."""
    others = {ath.id: (res.place or 999, ath) for res, ath in rr.results if ath.id != athlete.id}
    if not others:
        return None
    best: tuple[int, int, Athlete] | None = None
    for p in await store.pair_stats([athlete.id], list(others)):
        rival = p.b if p.a == athlete.id else p.a
        if rival not in others or p.meetings < 1:
            continue
        key = (p.meetings, -others[rival][0], others[rival][1])
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


async def race_alert(store: Queries, rr: RaceResults, note: AlertNote, source: str = "") -> Reply:
    where = f"{rr.competition.name}, {rr.race.day.isoformat()}"
    entries = {ath.id: (res, ath) for res, ath in rr.results}
    paragraphs: list[Paragraph] = []
    names: list[str] = []
    for athlete_id in note.athletes:
        if athlete_id not in entries:
            continue
        res, ath = entries[athlete_id]
        names.append(ath.name)
        paragraphs.append(Paragraph.of(Span(ath.name, True), f": {_how(res)}."))
        rival = await _main_rival(store, rr, ath)
        if rival is not None:
            paragraphs.append(Paragraph.of(await head_to_head(store, rr, ath, rival)))
    for a, b in note.rivalries:
        if a not in entries or b not in entries:
            continue
        (ra, aa), (rb, ab) = entries[a], entries[b]
        names.append(f"{aa.name} v {ab.name}")
        paragraphs.append(Paragraph.of(Span(f"{aa.name} v {ab.name}", True),
                                       f": {aa.name} {_how(ra)}, {ab.name} {_how(rb)}."))
        paragraphs.append(Paragraph.of(await head_to_head(store, rr, aa, ab)))
    footer = " · ".join(x for x in (source, UNFOLLOW_HINT) if x)
    return Reply(f"{race_title(rr)} · {where}", paragraphs, footer=footer, spoiler=note.spoilers == "on",
                 kind="result", data={"alert": {"race_id": rr.race.id, "follows": list(note.follows),
                                                "following": names}})


def digest(replies: list[Reply]) -> Reply:
    """Alerts due together as one message: each race a heading and its lines."""
    if len(replies) == 1:
        return replies[0]
    paragraphs: list[Paragraph] = []
    for r in replies:
        paragraphs.append(Paragraph.of(Span(r.title, True)))
        paragraphs += r.paragraphs
    return replace(replies[0], title=f"{counted(len(replies), 'result')} for you", paragraphs=paragraphs,
                   spoiler=any(r.spoiler for r in replies),
                   data={"digest": [r.data for r in replies]})
