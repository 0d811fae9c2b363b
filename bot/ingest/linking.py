"""When is a race from one source the same race as one already stored? (issue 11)

Names never agree across sources ("Athletissima" / "Athletissima (Diamond League)"), so races
are linked by their records: same day, discipline, gender and round (the store picks those
candidates), and results that overlap: the same athlete with the same mark, or the same
athletes in the same order. Pure rules over plain entries; storage/linking.py applies them
inside the import's transaction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

_TENTHS = re.compile(r"\.\d\s*h?$")  # a hand time: 3:29.7, 10.1h


@dataclass(frozen=True, slots=True)
class Entry:
    athlete: int
    place: int | None
    value: float | None
    mark: str


@dataclass(frozen=True, slots=True)
class Evidence:
    exact: int  # same athlete, same mark once printing is normalised
    hand: int  # a hand time beside the automatic time it rounds (3:29.7 and 3:29.74)
    conflicts: int  # same athlete, different marks
    common: int  # athletes in both
    ordered: bool  # the common athletes finished in the same order in both (two or more placed)
    whole: bool  # every athlete of the smaller field is in the other


def agreement(a: Entry, b: Entry) -> str:
    """'exact', 'hand', 'conflict', or '' when one of them has no mark to compare."""
    if a.value is None or b.value is None:
        return ""
    if abs(a.value - b.value) < 5e-4:
        return "exact"
    if (bool(_TENTHS.search(a.mark)) != bool(_TENTHS.search(b.mark))) and abs(a.value - b.value) <= 0.1 + 1e-9:
        return "hand"
    return "conflict"


def evidence(new: Sequence[Entry], old: Sequence[Entry]) -> Evidence:
    mine = {e.athlete: e for e in old}
    counts = {"exact": 0, "hand": 0, "conflict": 0, "": 0}
    pairs = []
    for e in new:
        other = mine.get(e.athlete)
        if other is not None:
            counts[agreement(e, other)] += 1
            pairs.append((e, other))
    placed = [(e.place, o.place) for e, o in pairs if e.place and o.place]
    order_new = [i for i, _ in sorted(enumerate(placed), key=lambda x: x[1][0])]
    order_old = [i for i, _ in sorted(enumerate(placed), key=lambda x: x[1][1])]
    return Evidence(counts["exact"], counts["hand"], counts["conflict"], len(pairs),
                    len(placed) >= 2 and order_new == order_old, len(pairs) == min(len(new), len(old)) > 0)


def links(ev: Evidence, *, unambiguous: bool) -> bool:
    """One athlete with an equal mark is enough when it is the only candidate that day;
    otherwise two. A hand time links only when the rest of the field links too."""
    if ev.conflicts > ev.exact:
        return False
    need = 1 if unambiguous else 2
    if ev.exact >= need:
        return True
    if ev.conflicts:
        return False
    if ev.hand and ev.exact + ev.hand >= 2 and ev.ordered and ev.whole:
        return True
    # No marks to compare (statuses, missing marks): the same athletes in the same order.
    return ev.exact + ev.hand == 0 and ev.common >= 3 and ev.ordered and ev.whole


def choose(new: Sequence[Entry], candidates: Mapping[int, Sequence[Entry]]) -> int | None:
    """The stored race `new` is, or None, among the stored races of its day, discipline, gender
    and round that share an athlete with it. When only one does, the race is unambiguous that day
    (a national 1500m beside the Diamond League one shares nobody). Two that link equally: neither."""
    scored = []
    for race, old in candidates.items():
        ev = evidence(new, old)
        if links(ev, unambiguous=len(candidates) == 1):
            scored.append((ev.exact + ev.hand, race))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def split(new: Sequence[Entry], candidates: Mapping[int, Sequence[Entry]]) -> dict[int, list[int]] | None:
    """Stored race -> the athletes of `new` it takes, when `new` is two or more stored races in one
    (the histories give one key to two finals of one event and day: Zürich 2021 ran the Diamond
    League 400m hurdles and a promotional one), else None.

    Each athlete a candidate race lists goes to that race; every race taking a share must link by
    its share (its athletes' marks agree there), and no athlete may be in two of them (then the
    stored races are one race told twice, not two finals). An athlete in none of them joins the
    one race where another athlete holds their very place and mark (an identity not linked yet,
    or a tie: that race either way); otherwise their row stays in a race of its own."""
    owners: dict[int, list[int]] = {}
    for race, old in candidates.items():
        for e in old:
            owners.setdefault(e.athlete, []).append(race)
    shares: dict[int, list[Entry]] = {}
    rest = []
    for e in new:
        held = owners.get(e.athlete, [])
        if len(held) > 1:
            return None
        if held:
            shares.setdefault(held[0], []).append(e)
        else:
            rest.append(e)
    if len(shares) < 2 or not all(links(evidence(part, candidates[race]), unambiguous=True)
                                  for race, part in shares.items()):
        return None
    out = {race: [e.athlete for e in part] for race, part in shares.items()}
    for e in rest:
        slots = [race for race in shares if any(o.place == e.place and agreement(o, e) == "exact"
                                                 for o in candidates[race])] if e.place else []
        if len(slots) == 1:
            out[slots[0]].append(e.athlete)
    return out


def decide(pairs: Sequence[tuple[int, int]], entries: Mapping[int, Sequence[Entry]]
           ) -> tuple[dict[int, int], dict[int, dict[int, list[int]]]]:
    """Each new race's fate, from its (new, stored) candidate pairs and every race's entries: the
    stored race it is (`fresh`: new -> stored), or the stored races it splits into (`shares`: new ->
    stored -> its athletes); a new race in neither stays a race of its own. Both stores apply it."""
    candidates: dict[int, list[int]] = {}
    for new, old in pairs:
        candidates.setdefault(new, []).append(old)
    shares: dict[int, dict[int, list[int]]] = {}
    fresh: dict[int, int] = {}
    for new, olds in candidates.items():
        stored = {o: entries[o] for o in olds}
        parts = split(entries[new], stored) if len(olds) > 1 else None
        if parts:
            shares[new] = parts
            continue
        chosen = choose(entries[new], stored)
        if chosen is not None:
            fresh[new] = chosen
    return fresh, shares
