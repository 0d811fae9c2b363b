"""The rivalry paragraph: who leads, how it has swung, the latest and the closest meeting."""
from __future__ import annotations

from bot.domain.models import Athlete, Meeting
from bot.replies import Paragraph, Span
from bot.h2h.record import Bout, Record

_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def counted(n: int, noun: str) -> str:
    """'1 meeting', '17 meetings'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def count_word(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def short_names(a: Athlete, b: Athlete) -> tuple[str, str]:
    """Surnames, as writers use them, unless they share one (the Ingebrigtsen brothers)."""
    if a.family and b.family and a.family.lower() != b.family.lower():
        return a.family, b.family
    return a.name, b.name


def where(m: Meeting) -> str:
    """'the 2024 Prefontaine Classic' or 'the Bislett Games in Oslo in 2024'."""
    c = m.competition
    venue = f" in {c.venue}" if c.venue and c.venue.lower() not in c.name.lower() else ""
    article = "the " if " " in c.name.strip() else ""  # 'the Bislett Games', but plain 'Athletissima'
    year = "" if str(c.start.year) in c.name else f" in {c.start.year}"
    return f"{article}{c.name}{venue}{year}"


def _marks(bout: Bout, names: dict[str, str]) -> str:
    m = bout.meeting
    win, lose = (m.a, m.b) if bout.winner == "a" else (m.b, m.a)
    return f"{win.mark} to {lose.mark}"


def rivalry_paragraphs(a: Athlete, b: Athlete, rec: Record) -> list[Paragraph]:
    sa, sb = short_names(a, b)
    names = {"a": sa, "b": sb}
    wa, wb = rec.wins["a"], rec.wins["b"]
    n = rec.total
    if wa == wb:
        lead = Paragraph.of(Span(f"{sa} and {sb}", True), f" are level at {wa}–{wb} after {n} meetings.")
    else:
        leader, trailer = ("a", "b") if wa > wb else ("b", "a")
        hi, lo = max(wa, wb), min(wa, wb)
        if lo == 0 and n > 1:
            lead = Paragraph.of(Span(names[leader], True), f" has won all {count_word(n)} of their meetings with {names[trailer]}.")
        elif n == 1:
            lead = Paragraph.of(Span(names[leader], True), f" won their only meeting with {names[trailer]}.")
        else:
            lead = Paragraph.of(Span(names[leader], True), f" leads {names[trailer]} {hi}–{lo} in {n} meetings.")
    if rec.ties:
        lead = Paragraph(lead.spans + (Span(f" They tied {'once' if rec.ties == 1 else count_word(rec.ties) + ' times'}."),))
    sentences = [_swing(rec, names), _latest(rec, names), _closest(rec, names)]
    story = " ".join(s for s in sentences if s)
    return [lead] + ([Paragraph.of(story)] if story else [])


def _swing(rec: Record, names: dict[str, str]) -> str:
    if rec.total < 2:
        return ""
    who, run = rec.streak
    first = rec.decided[0] if rec.decided else None
    if first is None or not who:
        return ""
    if first.winner != who:
        return (f"{names[first.winner]} won their first meeting, at {where(first.meeting)}, "
                f"but {names[who]} has won the last {count_word(run) if run > 1 else 'one'}.")
    if run >= 3 and run < rec.total:
        return f"{names[who]} has won {count_word(run)} in a row."
    changes = sum(1 for x, y in zip(rec.decided, rec.decided[1:]) if x.winner != y.winner)
    if changes >= 3:
        return f"The lead has changed hands {count_word(changes)} times."
    return ""


def _latest(rec: Record, names: dict[str, str]) -> str:
    last = rec.last
    if last is None or rec.total < 2:
        if last:
            m = last.meeting
            return f"That was the {m.race.discipline.name} at {where(m)}, {_marks(last, names)}."
        return ""
    m = last.meeting
    return (f"Most recently, at {where(m)}, {names[last.winner]} won the {m.race.discipline.name} "
            f"{_marks(last, names)}.")


def _closest(rec: Record, names: dict[str, str]) -> str:
    c = rec.closest
    if c is None or rec.total < 2:
        return ""
    m = c.meeting
    if c is rec.last:
        tail = " That was also their closest finish" + (", a photo finish." if c.photo_finish else ".")
        return tail.strip()
    photo = " in a photo finish" if c.photo_finish else ""
    return (f"Their closest finish came at {where(m)}, where {names[c.winner]} won by {c.margin}{photo} "
            f"({_marks(c, names)}).")
