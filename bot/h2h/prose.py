"""The rivalry paragraph: who leads, how it has swung, the latest and the closest meeting."""
from __future__ import annotations

from bot.domain.models import Athlete, Meeting
from bot.replies import Paragraph, Span
from bot.h2h.championships import championship
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
    """'the Bislett Games in Oslo in 2024', or for a championship final 'the 2023 world final in Budapest'."""
    c = m.competition
    kind = championship(c) if m.race.round == "final" else ""
    if kind:
        return f"the {c.start.year} {kind} final" + (f" in {c.venue}" if c.venue else "")
    venue = f" in {c.venue}" if c.venue and c.venue.lower() not in c.name.lower() else ""
    article = "the " if " " in c.name.strip() else ""  # 'the Bislett Games', but plain 'Athletissima'
    year = "" if str(c.start.year) in c.name else f" in {c.start.year}"
    return f"{article}{c.name}{venue}{year}"


_NO_MARK = {"DQ": "was disqualified", "DNF": "did not finish", "NM": "had no valid mark", "NH": "cleared no height"}


def _marks(bout: Bout, names: dict[str, str]) -> str:
    """'3:45.34 to 3:45.60', or 'in 10.88 while Thompson-Herah was disqualified'."""
    m = bout.meeting
    win, lose = (m.a, m.b) if bout.winner == "a" else (m.b, m.a)
    if not lose.finished:
        loser = names["b" if bout.winner == "a" else "a"]
        return f"in {win.mark} while {loser} {_NO_MARK.get(lose.status, 'had no mark')}"
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
        if lo == 0 and n == 2:
            lead = Paragraph.of(Span(names[leader], True), f" has won both their meetings with {names[trailer]}.")
        elif lo == 0 and n > 1:
            lead = Paragraph.of(Span(names[leader], True), f" has won all {count_word(n)} of their meetings with {names[trailer]}.")
        elif n == 1:
            lead = Paragraph.of(Span(names[leader], True), f" won their only meeting with {names[trailer]}.")
        else:
            lead = Paragraph.of(Span(names[leader], True), f" leads {names[trailer]} {hi}–{lo} in {n} meetings.")
    if rec.ties:
        lead = Paragraph(lead.spans + (Span(f" They tied {'once' if rec.ties == 1 else count_word(rec.ties) + ' times'}."),))
    sentences = [_swing(rec, names), _finals(rec, names), _latest(rec, names), _closest(rec, names)]
    story = " ".join(s for s in sentences if s)
    return [lead] + ([Paragraph.of(story)] if story else [])


def opening_run(rec: Record) -> tuple[str, int]:
    """Who won the first meeting, and how many in a row from there (a tie ends a run)."""
    if not rec.bouts or not rec.bouts[0].winner:
        return "", 0
    who = rec.bouts[0].winner
    n = next((i for i, b in enumerate(rec.bouts) if b.winner != who), len(rec.bouts))
    return who, n


def lead_changes(rec: Record) -> int:
    """How often the overall lead passed from one to the other (through level or not)."""
    wins = {"a": 0, "b": 0, "": 0}
    leader, changes = "", 0
    for b in rec.bouts:
        wins[b.winner] += 1
        now = "a" if wins["a"] > wins["b"] else "b" if wins["b"] > wins["a"] else ""
        if now and leader and now != leader:
            changes += 1
        leader = now or leader
    return changes


def _swing(rec: Record, names: dict[str, str]) -> str:
    if rec.total < 2:
        return ""
    who, run = rec.streak
    first, opened = opening_run(rec)
    if not first or not who:
        return ""
    if first != who:
        start = (f"won their first meeting, at {where(rec.bouts[0].meeting)}," if opened == 1
                 else f"won their first {count_word(opened)} meetings,")
        return f"{names[first]} {start} but {names[who]} has won the last {count_word(run) if run > 1 else 'one'}."
    if run >= 3 and run < rec.total:
        return f"{names[who]} has won {count_word(run)} in a row."
    changes = lead_changes(rec)
    if changes >= 2:
        return f"The lead has changed hands {count_word(changes)} times."
    return ""


def championship_finals(rec: Record) -> list[Bout]:
    return [b for b in rec.bouts if b.meeting.race.round == "final" and championship(b.meeting.competition)]


def _finals(rec: Record, names: dict[str, str]) -> str:
    """The meetings writers weigh most: Olympic, world and continental finals."""
    finals = championship_finals(rec)
    if not finals or len(finals) == rec.total:
        return ""  # none, or every meeting was one: the lead already says it
    if len(finals) == 1:
        b = finals[0]
        won = f"went to {names[b.winner]}" if b.winner else "ended in a tie"
        return f"Their one championship final, {where(b.meeting)}, {won}."
    wins = {"a": 0, "b": 0, "": 0}
    for b in finals:
        wins[b.winner] += 1
    n = count_word(len(finals))
    if wins["a"] == wins["b"]:
        return f"In championship finals they are level, {wins['a']}–{wins['b']}."
    hi, lo = ("a", "b") if wins["a"] > wins["b"] else ("b", "a")
    if not wins[lo] and not wins[""]:
        both = "both" if len(finals) == 2 else f"all {n} of"
        return f"{names[hi]} has won {both} their championship finals."
    return f"In championship finals {names[hi]} leads {wins[hi]}–{wins[lo]}."


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
