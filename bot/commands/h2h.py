"""/h2h: the head-to-head record of two athletes."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import Command, Context, Invocation, Kind, Param
from bot.coverage import coverage_of
from bot.errors import UserError
from bot.domain.models import Athlete, Meeting, Result
from bot.h2h.pairing import choose_pair
from bot.h2h.prose import counted, rivalry_paragraphs, short_names
from bot.replies import Column, Field, Paragraph, Reply, Table
from bot.h2h.record import RULE, Bout, record

if TYPE_CHECKING:
    from bot.core import Core


def _cell(r: Result) -> str:
    place = f"{r.place}. " if r.place else ""
    return f"{place}{r.mark}"


def _pad(day: str, *, end: bool) -> str:
    """'2019' or '2019-06' as its first (or last) day, to compare ISO dates as text."""
    parts = day.split("-")
    fill = ["12", "31"] if end else ["01", "01"]
    return "-".join(parts + fill[len(parts) - 1:])


def _filters(inv: Invocation, meetings: list[Meeting]) -> list[Meeting]:
    event, season = inv.get("event"), inv.get("season")
    if event:
        meetings = [m for m in meetings if m.race.event == event]
    if season:
        meetings = [m for m in meetings if m.race.day.year == int(season)]
    since, until = inv.get("since"), inv.get("until")
    if since:
        meetings = [m for m in meetings if m.race.day.isoformat() >= _pad(since, end=False)]
    if until:
        meetings = [m for m in meetings if m.race.day.isoformat() <= _pad(until, end=True)]
    if inv.flag("finals_only"):
        meetings = [m for m in meetings if m.race.round == "final"]
    return meetings


async def split_names(core: "Core", inv: Invocation) -> tuple[str, str]:
    """Two names typed without quotes: take the split where both sides name someone best.

    Only splits where neither side has more words than the longest name we know are tried: a
    constant number of lookups, each of a bounded text, however many words were typed."""
    if inv.get("athlete_a") and inv.get("athlete_b"):
        return inv.args["athlete_a"], inv.args["athlete_b"]
    words = inv.words
    if len(words) < 2:
        raise UserError("/h2h needs two athletes.", "Example: /h2h Kerr Ingebrigtsen")
    most = core.indexes.athletes.most_words
    if len(words) > 2 * most:
        raise UserError(f"I can't tell two names apart in {len(words)} words.",
                        'Put each name in quotes: /h2h "Josh Kerr" "Jakob Ingebrigtsen".')
    best, best_score = None, -1.0
    for i in range(max(1, len(words) - most), min(len(words) - 1, most) + 1):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        ca, cb = core.indexes.athletes.candidates(a, 1), core.indexes.athletes.candidates(b, 1)
        score = (ca[0].score if ca else 0) + (cb[0].score if cb else 0)
        if score > best_score:
            best, best_score = (a, b), score
    return best


def _row(bout: Bout) -> tuple[str, ...]:
    m = bout.meeting
    c = m.competition
    return (m.race.day.isoformat(), f"{c.label}", m.race.discipline.name, m.race.round_label,
            _cell(m.a), _cell(m.b), bout.margin + (" 📸" if bout.photo_finish else ""))


def _meeting_data(bout: Bout) -> dict:
    m = bout.meeting
    return {"date": m.race.day.isoformat(), "competition": m.competition.name, "venue": m.competition.venue,
            "event": m.race.discipline.name, "round": m.race.round_label, "winner": bout.winner,
            "a": {"place": m.a.place, "mark": m.a.mark, "status": m.a.status},
            "b": {"place": m.b.place, "mark": m.b.mark, "status": m.b.status},
            "margin": bout.margin, "photo_finish": bout.photo_finish}


async def run(core: "Core", inv: Invocation, ctx: Context) -> Reply:
    text_a, text_b = await split_names(core, inv)
    choice = choose_pair(core.indexes.athletes, core.indexes.meetings, text_a, text_b, core.indexes.today)
    a = core.indexes.athletes.stats[choice.a].athlete
    b = core.indexes.athletes.stats[choice.b].athlete
    rec = record(_filters(inv, await core.store.meetings(a.id, b.id)))
    title = f"{a.name} v {b.name}"
    sa, sb = short_names(a, b)
    if not rec.bouts:
        reply = Reply(title, [Paragraph.of(f"{a.name} and {b.name} have never met in a race we know of"
                                           + (" with those filters." if len(inv.args) > 2 else "."))])
    else:
        reply = Reply(title, rivalry_paragraphs(a, b, rec))
        reply.fields = _fields(rec, sa, sb)
        reply.table = Table((Column("Date"), Column("Competition"), Column("Event"), Column("Round"),
                             Column(sa, "right"), Column(sb, "right"), Column("Margin", "right")),
                            tuple(_row(x) for x in reversed(rec.bouts)))
    if choice.typed_pair:
        x, y = (core.indexes.athletes.stats[i].athlete.name for i in choice.typed_pair)
        reply.paragraphs.insert(0, Paragraph.of(
            f"I guessed: '{text_a}' and '{text_b}' are spelled closest to {x} and {y}, who never met; "
            f"{a.name} and {b.name} have {counted(len(rec.bouts), 'meeting')} in our data."))
    if choice.alternatives:
        alts = "; ".join(f"{core.indexes.athletes.stats[x].athlete.name} v "
                         f"{core.indexes.athletes.stats[y].athlete.name}, {counted(n, 'meeting')}"
                         for x, y, n in choice.alternatives)
        reply.paragraphs.append(Paragraph.of(f"Also: {alts}."))
    reply.footer = f"{RULE} Data to {core.indexes.today.isoformat()}."
    reply.coverage = await coverage_of(core.store, [a, b])
    reply.data = {"a": _athlete_data(a), "b": _athlete_data(b), "wins": {"a": rec.wins["a"], "b": rec.wins["b"]},
                  "ties": rec.ties,
                  "meetings": [_meeting_data(x) for x in rec.bouts], "guessed": choice.guessed,
                  "coverage": reply.coverage}
    return reply


def _fields(rec, sa: str, sb: str) -> list[Field]:
    ties = f" ({counted(rec.ties, 'tie')})" if rec.ties else ""
    fields = [Field("Record", f"{sa} {rec.wins['a']}–{rec.wins['b']} {sb}{ties}")]
    if len(rec.by_event) > 1:
        fields += [Field(event, f"{c['a']}–{c['b']}") for event, c in rec.by_event.items()]
    who, run = rec.streak
    fields.append(Field("Streak", f"{sa if who == 'a' else sb} {run}"))
    if rec.closest:
        m = rec.closest.meeting
        fields.append(Field("Closest", f"{rec.closest.margin}, {m.competition.name} {m.race.day.year}"))
    if rec.biggest and rec.biggest is not rec.closest:
        m = rec.biggest.meeting
        fields.append(Field("Biggest margin", f"{rec.biggest.margin}, {m.competition.name} {m.race.day.year}"))
    return fields


def _athlete_data(a: Athlete) -> dict:
    return {"id": a.id, "name": a.name, "country": a.country}


COMMAND = Command(
    "h2h", "Head-to-head record of two athletes",
    (Param("athlete_a", Kind.ATHLETE, "First athlete", autocomplete=True),
     Param("athlete_b", Kind.ATHLETE, "Second athlete", autocomplete=True),
     Param("event", Kind.EVENT, "Only this event, e.g. 1500m", required=False, autocomplete=True),
     Param("season", Kind.SEASON, "Only this season, e.g. 2024", required=False),
     Param("finals_only", Kind.FLAG, "Only finals", required=False, choices=("finals",)),
     Param("since", Kind.DATE, "Only from this date, e.g. 2019-06-01", required=False),
     Param("until", Kind.DATE, "Only up to this date, e.g. 2022", required=False)),
    run, examples=("/h2h Kerr Ingebrigtsen", '/h2h "Jakob Ingebrigtsen" Cheruiyot event:1500m finals',
                     "/h2h Ingebrigtsen Cheruiyot since:2021"))
