"""The rivalry chart's data: both athletes' marks in their shared event over time, their meetings
marked with who won, championships named.

The shared event is the one they met in most (the latest meeting breaks a tie): marks of
different events on one axis would say nothing. Marks start with the season of their first
meeting there: a teenager's years before the rivalry would squeeze it into a corner.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable

from bot.domain.models import Athlete, Performance, Result
from bot.h2h.championships import championship
from bot.h2h.record import Record
from bot.replies import Chart


def shared_event(rec: Record) -> str | None:
    """The discipline code the pair met in most; None when they never met."""
    if not rec.bouts:
        return None
    counts = Counter(b.meeting.race.event for b in rec.bouts)
    last = {b.meeting.race.event: i for i, b in enumerate(rec.bouts)}
    return max(counts, key=lambda e: (counts[e], last[e]))


def rivalry_chart(a: Athlete, b: Athlete, short: tuple[str, str], rec: Record, marks: dict[str, list[Performance]],
                  keep: Callable[[Performance], bool], key: str) -> Chart | None:
    """`marks` holds each side's ("a", "b") performances; `keep` applies the question's filters
    (season, dates, finals) so the chart shows what the table shows."""
    event = shared_event(rec)
    if event is None:
        return None
    d = next(b.meeting.race.discipline for b in rec.bouts if b.meeting.race.event == event)
    since = next(b.meeting.race.day.year for b in rec.bouts if b.meeting.race.event == event)
    met: dict[tuple[int, str], tuple[str, str]] = {}  # (race id, side) -> (won/lost/tie, championship label)
    for bout in rec.bouts:
        m = bout.meeting
        if m.race.event != event:
            continue
        kind = championship(m.competition)
        label = f"{kind} {m.race.day.year}" if kind else ""
        for side in ("a", "b"):
            outcome = "tie" if not bout.winner else "won" if bout.winner == side else "lost"
            met[(m.race.id, side)] = (outcome, label)
    points: list[dict[str, Any]] = []
    for side in ("a", "b"):
        seen: set[int] = set()
        for p in sorted(marks[side], key=lambda p: (p.race.day, p.race.id)):
            if (p.race.event != event or p.race.day.year < since or p.race.id in seen
                    or not _plottable(p.result) or not keep(p)):
                continue
            seen.add(p.race.id)
            outcome, label = met.get((p.race.id, side), ("", ""))
            points.append({"side": side, "date": p.race.day.isoformat(), "value": round(p.result.known_value, 3), "mark": p.result.mark,
                           "competition": p.competition.label, "meeting": bool(outcome), "outcome": outcome,
                           "championship": label})
    if not points:
        return None
    names = {"a": a.name, "b": b.name}
    spec = {"kind": "rivalry", "title": f"{a.name} v {b.name}", "event": d.name, "measured": d.measured,
            "athletes": [{"side": s, "name": names[s], "short": sh} for s, sh in zip(("a", "b"), short)],
            "points": points}
    return Chart("rivalry", key, _alt(d.name, names, short, points), spec)


def _plottable(r: Result) -> bool:
    # Wind-aided and short-course marks are still marks the athlete ran; annulled ones are not.
    return r.finished and r.value is not None


def _alt(event: str, names: dict[str, str], short: tuple[str, str], points: list[dict[str, Any]]) -> str:
    meetings = [p for p in points if p["meeting"] and p["side"] == "a"]
    won = sum(p["outcome"] == "won" for p in meetings)
    lost = sum(p["outcome"] == "lost" for p in meetings)
    counts = {s: sum(p["side"] == s for p in points) for s in ("a", "b")}
    span = f"{points[0]['date'][:4]}" if min(p["date"] for p in points)[:4] == max(p["date"] for p in points)[:4] \
        else f"{min(p['date'] for p in points)[:4]} to {max(p['date'] for p in points)[:4]}"
    titles = [p["championship"] for p in meetings if p["championship"]]
    champs = f"; championships: {', '.join(dict.fromkeys(titles))}" if titles else ""
    return (f"Chart of {event} marks, {span}: {names['a']} ({counts['a']} marks) and {names['b']} "
            f"({counts['b']} marks); {len(meetings)} meetings marked, {short[0]} won {won} and "
            f"{short[1]} won {lost}{champs}.")
