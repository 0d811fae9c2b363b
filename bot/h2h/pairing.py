"""Resolve the two names of a head-to-head together: prefer the pair that actually raced.

Fans type surnames ('Kerr', 'Ingebrigtsen'); the archive holds several of each. Among the
best name matches, the pair with the most meetings, recent ones weighing more, is chosen;
others that also met are offered as alternatives. When no pair ever met and a name is
still ambiguous, we list candidates instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.search.athletes import AthleteIndex, Candidate
from bot.search.names import fold
from bot.errors import UserError
from bot.h2h.meetings import MeetingIndex
from bot.store import PairStat

QUALITY_SLACK = 3.0  # name scores this close count as equally good matches
RECENCY_YEARS = 2.0  # a meeting this old weighs half as much as one today


@dataclass(frozen=True)
class PairChoice:
    a: int
    b: int
    alternatives: list[tuple[int, int, int]]  # a, b, meetings
    guessed: bool  # a name matched several athletes and meetings decided
    typed_pair: tuple[int, int] | None = None  # the closest spelling, passed over for a pair that met


def _top(cands: list[Candidate]) -> list[Candidate]:
    best = cands[0].score
    return [c for c in cands if c.score >= best - QUALITY_SLACK]


def weight(p: PairStat, today: date) -> float:
    years = max(0.0, (today - p.last_day).days / 365.25)
    return p.meetings * (1.0 + 1.0 / (1.0 + years / RECENCY_YEARS))


class Ambiguous(UserError):
    """No pair ever met and a name still means several people: each such name with whom it may mean."""

    def __init__(self, message: str, hint: str, sides: list[tuple[int, str, list[int]]]) -> None:
        super().__init__(message, hint)
        self.sides = sides  # (0 for the first name or 1 for the second, the text, candidate ids)


def not_found(text: str) -> UserError:
    return UserError(f"I can't find an athlete called '{text}'.",
                     "Check the spelling, or try the full name, e.g. \"Jakob Ingebrigtsen\".")


def choose_pair(index: AthleteIndex, meetings: MeetingIndex, text_a: str, text_b: str, today: date) -> PairChoice:
    ca, cb = index.candidates(text_a), index.candidates(text_b)
    if not ca:
        raise not_found(text_a)
    if not cb:
        raise not_found(text_b)
    ta, tb = _top(ca), _top(cb)
    if ca[0].typo or cb[0].typo:
        misread = _misread(meetings, ta, tb, ca, cb, today)
        if misread:
            return misread
    elif len(ta) == 1 and len(tb) == 1 and ta[0].athlete_id != tb[0].athlete_id:
        return PairChoice(ta[0].athlete_id, tb[0].athlete_id, [], False)  # nothing to decide
    stats = {(p.a, p.b): p for p in meetings.pair_stats([c.athlete_id for c in ta], [c.athlete_id for c in tb])}
    pairs = [(a.athlete_id, b.athlete_id) for a in ta for b in tb if a.athlete_id != b.athlete_id]
    met = sorted((p for p in pairs if p in stats), key=lambda p: -weight(stats[p], today))
    ambiguous = len(ta) > 1 or len(tb) > 1
    if met:
        a, b = met[0]
        alts = [(x, y, stats[(x, y)].meetings) for x, y in met[1:3]]
        return PairChoice(a, b, alts, ambiguous)
    if not ambiguous and pairs:
        return PairChoice(pairs[0][0], pairs[0][1], [], False)
    raise _ambiguity(index, text_a, ta, text_b, tb)


def _misread(meetings: MeetingIndex, ta: list[Candidate], tb: list[Candidate], ca: list[Candidate],
             cb: list[Candidate], today: date) -> PairChoice | None:
    """A typo can land nearest to someone who never raced the other athlete ('Thoams' is closer to
    Thoms than to Thomas): when the closest spellings never met but another reading of the typo
    did, that pair is meant, and the reply says it guessed."""
    closest = [(a.athlete_id, b.athlete_id) for a in ta for b in tb if a.athlete_id != b.athlete_id]
    if not closest or meetings.pair_stats([c.athlete_id for c in ta], [c.athlete_id for c in tb]):
        return None
    wide = {(p.a, p.b): p for p in meetings.pair_stats([c.athlete_id for c in ca], [c.athlete_id for c in cb])}
    if not wide:
        return None
    ranked = sorted(wide, key=lambda p: -weight(wide[p], today))
    a, b = ranked[0]
    alts = [(x, y, wide[(x, y)].meetings) for x, y in ranked[1:3]]
    return PairChoice(a, b, alts, True, typed_pair=closest[0])


def _ambiguity(index: AthleteIndex, text_a: str, ta: list[Candidate], text_b: str, tb: list[Candidate]) -> Ambiguous:
    def names(text: str, cands: list[Candidate]) -> str:
        shown = ", ".join(index.label(c.athlete_id) for c in cands[:5])
        return f"'{text}' could be {shown}"

    parts = [names(t, c) for t, c in ((text_a, ta), (text_b, tb)) if len(c) > 1]
    sides = [(i, t, [c.athlete_id for c in cs]) for i, (t, cs) in enumerate(((text_a, ta), (text_b, tb))) if len(cs) > 1]
    if fold(text_a) == fold(text_b) and len(parts) == 2:  # "/h2h Kerr Kerr": one list, said once
        x, y = (index.stats[c.athlete_id].athlete.name for c in ta[:2])
        return Ambiguous(f"{parts[0]}; none of them ever met.", f'Type two full names, e.g. /h2h "{x}" "{y}".',
                         sides[:1])
    return Ambiguous("None of these athletes ever met, so I can't tell whom you mean: "
                     + "; ".join(parts) + ".", "Type full names, e.g. /h2h \"Josh Kerr\" \"Jakob Ingebrigtsen\".",
                     sides)

