"""A head-to-head record computed from the races two athletes both ran.

How non-finishers count: a DNF, DQ or no mark loses to a rival who finished; when neither
finished there is no winner and the race is not a meeting; a DNS or an annulled result
(doping) means they did not meet.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from bot.domain.marks import PHOTO_FINISH_SECONDS, beats, margin_text
from bot.domain.models import Meeting, Result

RULE = ("DNF, DQ and no-mark count as a loss to a rival who finished; equal places are a tie; DNS, "
        "annulled results and races run in several places are left out.")


@dataclass(frozen=True)
class Bout:
    meeting: Meeting
    winner: str  # "a" or "b"; "" for a tie (equal places: a meeting with nobody ahead)
    gap: float | None  # absolute difference of the two marks, when both have one

    @cached_property  # a reply shows it in the table, the data and the prose
    def margin(self) -> str:
        if not self.winner:
            return "tie"
        if self.gap is None:
            loser = self.meeting.b if self.winner == "a" else self.meeting.a
            return loser.status or "—"
        return margin_text(self.meeting.race.discipline, 0, self.gap)

    @cached_property
    def photo_finish(self) -> bool:
        d = self.meeting.race.discipline
        return bool(self.winner) and self.gap is not None and not d.measured and self.gap <= PHOTO_FINISH_SECONDS + 1e-9


@dataclass
class Record:
    """Made once from its bouts (record()) and never changed: the walks over them below are
    cached, as the fields, the prose and the chart each ask (a long rivalry has 90 bouts)."""

    bouts: list[Bout]
    wins: Counter[str] = field(default_factory=Counter)  # by winner: "a", "b", "" for a tie
    by_event: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.bouts)

    @property
    def ties(self) -> int:
        return self.wins[""]

    @cached_property
    def decided(self) -> list[Bout]:
        return [b for b in self.bouts if b.winner]

    @cached_property
    def last(self) -> Bout | None:
        decided = self.decided
        return decided[-1] if decided else None

    @cached_property
    def streak(self) -> tuple[str, int]:
        """Wins in a row up to the latest meeting; a tie ends a run."""
        if not self.bouts or not self.bouts[-1].winner:
            return "", 0
        who, n = self.bouts[-1].winner, 0
        for b in reversed(self.bouts):
            if b.winner != who:
                break
            n += 1
        return who, n

    @cached_property
    def closest(self) -> Bout | None:
        timed = [b for b in self.decided if b.gap is not None]
        return min(timed, key=lambda b: (b.gap, -b.meeting.race.day.toordinal())) if timed else None

    @cached_property
    def biggest(self) -> Bout | None:
        timed = [b for b in self.decided if b.gap is not None and not b.meeting.race.discipline.measured]
        timed = timed or [b for b in self.decided if b.gap is not None]
        return max(timed, key=lambda b: b.gap or 0.0) if timed else None


def _counts(r: Result) -> bool:
    return r.status != "DNS" and r.note != "DOP"


def decide(m: Meeting) -> Bout | None:
    """Who won this race between the two, or None when it was not a meeting."""
    if not (_counts(m.a) and _counts(m.b)):
        return None
    fa, fb = m.a.finished, m.b.finished
    if not fa and not fb:
        return None
    if fa != fb:
        return Bout(m, "a" if fa else "b", None)
    d = m.race.discipline
    a, b = m.a.known_value, m.b.known_value  # both finished
    gap = abs(a - b)
    if m.a.place and m.b.place:  # places decide before marks; equal places are a tie
        return Bout(m, "" if m.a.place == m.b.place else "a" if m.a.place < m.b.place else "b", gap)
    if a == b:
        return Bout(m, "", 0.0)
    return Bout(m, "a" if beats(d, a, b) else "b", gap)


def record(meetings: list[Meeting]) -> Record:
    bouts = [b for b in map(decide, meetings) if b is not None]
    rec = Record(bouts)
    for b in bouts:
        rec.wins[b.winner] += 1
        rec.by_event.setdefault(b.meeting.race.discipline.name, Counter())[b.winner] += 1  # "" counts ties
    return rec
