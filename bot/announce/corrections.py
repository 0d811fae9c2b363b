"""What changed between two versions of a race, said the way a results desk would say it."""
from __future__ import annotations

from bot.announce.outbox import Entry
from bot.h2h.prose import counted

# A DQ moves everyone behind up a place: name the podium moves, count the rest.
_NAMED_PLACES = 3


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _standing(e: Entry) -> str:
    if e.note == "DOP":
        return f"annulled, {e.mark}"
    if e.status:
        return e.status
    return f"{ordinal(e.place)}, {e.mark}" if e.place else e.mark


def _status_change(before: Entry, after: Entry) -> str | None:
    if after.note == "DOP" and before.note != "DOP":
        return f"{after.name}'s result was annulled (was {_standing(before)})"
    if after.status and after.status != before.status:
        word = {"DQ": "disqualified", "DNF": "now listed as did not finish", "DNS": "now listed as did not start",
                "NM": "now listed as no mark"}.get(after.status, f"now {after.status}")
        return f"{after.name} {word} (was {_standing(before)})"
    if before.status and not after.status or before.note == "DOP" and after.note != "DOP":
        return f"{after.name} reinstated: {_standing(after)} (was {_standing(before)})"
    if after.mark != before.mark:
        return f"{after.name}'s mark corrected to {after.mark} (was {before.mark})"
    return None


def what_changed(old: tuple[Entry, ...], new: tuple[Entry, ...]) -> str:
    before = {e.athlete_id: e for e in old}
    after = {e.athlete_id: e for e in new}
    said: list[str] = []
    moved: list[tuple[int, str]] = []
    for aid, a in after.items():
        b = before.get(aid)
        if b is None:
            said.append(f"{a.name} added ({_standing(a)})")
            continue
        line = _status_change(b, a)
        if line:
            said.append(line)
        elif a.place != b.place:
            moved.append((a.place or 999, f"{a.name} now {ordinal(a.place) if a.place else 'unplaced'}"
                                           f" (was {ordinal(b.place) if b.place else 'unplaced'})"))
    said += [f"{b.name} removed from the results (was {_standing(b)})" for aid, b in before.items() if aid not in after]
    moved.sort()
    named = [text for place, text in moved if place <= _NAMED_PLACES]
    rest = len(moved) - len(named)
    if named:
        said.append(", ".join(named))
    if rest:
        said.append(f"{counted(rest, 'more place')} changed")
    return "; ".join(said) + "." if said else "Details of the result were updated."
