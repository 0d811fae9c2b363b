"""One race told as results: order, marks, gaps, photo finishes and records.

Shared by /results and by scheduled announcements, so both read the same.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Sequence

from bot.domain import precedence
from bot.domain.disciplines import Discipline
from bot.domain.marks import PHOTO_FINISH_SECONDS, margin_text
from bot.domain.models import Athlete, RaceResults, Result
from bot.domain.people import badge_codes, badges, people
from bot.narrow import BREAK
from bot.replies import Column, Paragraph, Person, Reply, ReplyKind, Span, Table

RECORD_FLAGS = ("WR", "AR", "NR", "CR", "MR", "DLR", "WL", "WU20R", "ER", "OR")
# A race in which one of these was set is announced as a record (its own colour).
_RECORDS = frozenset({"WR", "AR", "NR"})
# Whose World Athletics pages a race's card links: the podium (and anyone setting a record).
_LINKED = 3


def gender_label(gender: str) -> str:
    """"Men's" / "Women's" as event names are written; "" when unknown."""
    return {"M": "Men's", "W": "Women's"}.get(gender, "")


def race_title(rr: RaceResults) -> str:
    r = rr.race
    gender = gender_label(r.gender)
    label = f" ({r.label})" if r.label else ""
    rnd = "" if r.round_label == "Final" else f" {r.round_label}"
    return f"{gender} {r.discipline.name}{rnd}{label}"


def _behind(winner: Result | None, res: Result, measured: bool, d: Discipline) -> str:
    if not (winner and winner.finished and res.finished) or res is winner:
        return ""
    if res.value == winner.value:
        return "="  # same mark, split by countback or the photo
    return ("-" if measured else "+") + margin_text(d, winner.known_value, res.known_value)


def known_finishers(rr: RaceResults) -> int | None:
    """How many finishers racebot knows of a race whose source knew only part of the field; None
    when the field is whole after all: every place from 1 to the last is known (ties share one)."""
    if not rr.partial:
        return None
    places = sorted(res.place for res, _ in rr.results if res.place and res.note != "DOP")
    if places and all(p == bisect_left(places, p) + 1 for p in places):
        return None
    return sum(1 for res, _ in rr.results if res.finished)


def winner(rr: RaceResults) -> tuple[Result, Athlete] | None:
    """The winner's result and athlete; None when a race known in part does not include them."""
    finished = [(res, ath) for res, ath in rr.results if res.finished]  # placed first, by place
    if not finished or (known_finishers(rr) is not None and finished[0][0].place != 1):
        return None
    return finished[0]


def race_table(rr: RaceResults, limit: int | None = None) -> Table:
    d = rr.race.discipline
    first = winner(rr)
    winner_result = first[0] if first else None
    rows = []
    for res, ath in rr.results[:limit]:
        flags = " ".join(res.flags) + (" (annulled)" if res.note == "DOP" else "")
        wind = f"{res.wind:+.1f}" if res.wind is not None and d.is_field else ""
        rows.append((str(res.place or ""), ath.name, ath.country, res.mark, wind, flags.strip(),
                     _behind(winner_result, res, d.measured, d)))
    cols = (Column("Pl", "right"), Column("Athlete"), Column("Nat", kind="country"), Column("Mark", "right"),
            Column("Wind", "right"), Column("Flags", kind="flags"), Column("Gap", "right"))
    keep = [i for i, c in enumerate(cols) if c.title in ("Pl", "Athlete", "Nat", "Mark") or any(r[i] for r in rows)]
    return Table(tuple(cols[i] for i in keep), tuple(tuple(r[i] for i in keep) for r in rows),
                 tuple(_narrow_row(r) for r in rows))


def _narrow_row(row: tuple[str, ...]) -> tuple[str, ...]:
    """`1. Jakob Ingebrigtsen NOR` over `3:29.74 · WL`: the place, then what the athlete did."""
    place, name, country, mark, wind, flags, gap = row
    who = " ".join(x for x in (f"{place}." if place else "", name, country) if x)
    did = BREAK.join(x for x in (f"{mark} {wind}".strip(), flags, gap) if x)
    return (who, " " + did)


def photo_finishes(rr: RaceResults) -> list[tuple[Result, Result, str, str]]:
    """Neighbours a photo split, where it decided a medal: further back nobody reads about it."""
    if rr.race.discipline.measured:
        return []
    done = [(res, res.place, ath) for res, ath in rr.results if res.finished and res.place]
    out: list[tuple[Result, Result, str, str]] = []
    for (r1, p1, a1), (r2, p2, a2) in zip(done, done[1:]):
        if p2 - p1 > 1 or p1 > 3:  # someone racebot does not know finished between them
            continue
        if abs(r2.known_value - r1.known_value) <= PHOTO_FINISH_SECONDS + 1e-9:
            out.append((r1, r2, a1.name, a2.name))
    return out


def race_story(rr: RaceResults) -> list[Paragraph]:
    d = rr.race.discipline
    done = [(res, ath) for res, ath in rr.results if res.finished and res.place]  # so `place or 0` is place
    if not done:
        return [Paragraph.of("No valid marks were recorded in this race.")]
    if winner(rr) is None:
        (b, ba) = done[0]
        return [Paragraph.of("The winner is not in racebot's data; the best placed it knows is ",
                             Span(ba.name, True), f", {_ordinal(b.place or 0)} in {b.mark}.")]
    (w, wa) = done[0]
    flags = f" ({' '.join(w.flags)})" if w.flags else ""
    first: list[str | Span] = [Span(wa.name, True), f" won the {d.name} in {w.mark}{flags}"]
    # of a race known in part, only a second place is told: the next known may be 9th
    if len(done) > 1 and (known_finishers(rr) is None or (done[1][0].place or 0) <= 2):
        (s, sa) = done[1]
        if s.value == w.value:
            tie = "on countback" if d.measured else "on the photo, with the same time"
            first.append(f", ahead of {sa.name} {tie}")
        else:
            gap = margin_text(d, w.known_value, s.known_value)
            first.append(f", beating {sa.name} ({s.mark}) by {gap}" if d.measured
                         else f", {gap} ahead of {sa.name} ({s.mark})")
    paras = [Paragraph.of(*first, ".")]
    for r1, r2, n1, n2 in photo_finishes(rr):
        gap = margin_text(d, r1.known_value, r2.known_value)
        paras.append(Paragraph.of(f"Photo finish: {n1} and {n2} were {gap} apart "
                                  f"({r1.mark} v {r2.mark})."))
    records = [(res, ath) for res, ath in rr.results
               if res.finished and any(f in RECORD_FLAGS for f in res.flags)]
    for res, ath in records:
        if res is w:
            continue
        paras.append(Paragraph.of(f"{ath.name} set a {' '.join(f for f in res.flags if f in RECORD_FLAGS)}: {res.mark}."))
    return paras


def disagreement(rr: RaceResults, others: Sequence[tuple[int, int, str, int]]) -> str:
    """'Sources differ on 1 result: Jakob Ingebrigtsen 3:29.05 shown (the Diamond League archive),
    3:29.50 in imported files.' Shown is the source of higher precedence (bot.domain.precedence)."""
    if not others:
        return ""
    shown = {ath.id: (res, ath) for res, ath in rr.results}
    parts = []
    for athlete, origin, mark, shown_origin in others:
        if athlete in shown:
            res, ath = shown[athlete]
            parts.append(f"{ath.name} {res.mark} shown ({precedence.NAMES[shown_origin]}), "
                         f"{mark} in {precedence.NAMES[origin]}")
    n = len({a for a, *_ in others})
    return f"Sources differ on {n} result{'s' if n != 1 else ''}: " + "; ".join(parts) + "."


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def partial_note(rr: RaceResults) -> Paragraph | None:
    """Said wherever a race known in part is shown, so it is never taken for the full result."""
    known = known_finishers(rr)
    if known is None:
        if not rr.partial:
            return None
        # Places 1 to k without a gap: the race's first k are right, but its size is not known.
        first = sum(1 for res, _ in rr.results if res.finished and res.place)
        who = "the winner" if first == 1 else f"the first {first} finishers"
        return Paragraph.of(f"racebot knows {who} (from athletes' race histories); "
                            "anyone behind is not in its data.")
    return Paragraph.of(f"racebot knows {known} of the finishers (from athletes' race histories): "
                        "this is not the full result.")


def race_kind(rr: RaceResults) -> ReplyKind:
    """A race known in part, a race where a record fell, or a result."""
    if known_finishers(rr) is not None:
        return "partial"
    if any(res.finished and _RECORDS.intersection(res.flags) for res, _ in rr.results):
        return "record"
    return "result"


def race_people(rr: RaceResults, wa_ids: Mapping[int, str]) -> tuple[Person, ...]:
    done = [(res, ath) for res, ath in rr.results if res.finished]
    shown = [ath for res, ath in done[:_LINKED]] + [ath for res, ath in done[_LINKED:] if badge_codes(res.flags)]
    return people(shown, wa_ids)


def race_reply(rr: RaceResults, source: str = "", others: Sequence[tuple[int, int, str, int]] = (),
               wa_ids: Mapping[int, str] | None = None) -> Reply:
    """`wa_ids`: the athletes' World Athletics ids where known (Queries.source_ids), for links."""
    c = rr.competition
    note = partial_note(rr)
    wind = f"wind {rr.race.wind:+.1f}" if rr.race.wind is not None and not rr.race.discipline.measured else ""
    footer = " · ".join(x for x in (f"{c.venue}, {rr.race.day.isoformat()}", wind, source,
                                    disagreement(rr, others)) if x)
    data = {"competition": c.name, "date": rr.race.day.isoformat(), "event": rr.race.discipline.name,
            "gender": rr.race.gender, "round": rr.race.round_label, "label": rr.race.label,
            "known_finishers": known_finishers(rr),  # None: the full result
            "results": [{"place": res.place, "athlete": ath.name, "country": ath.country, "mark": res.mark,
                         "status": res.status, "flags": list(res.flags)} for res, ath in rr.results]}
    return Reply(f"{race_title(rr)} · {c.label}", ([note] if note else []) + race_story(rr), race_table(rr),
                 footer=footer, data=data, people=race_people(rr, wa_ids or {}), kind=race_kind(rr),
                 badges=badges((res, f"{ath.name} {res.mark}") for res, ath in rr.results))
