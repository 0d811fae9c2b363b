"""Which races of a competition a fan's words pick: men/women, the event, round and race
('heat 2', 'final 2', 'semi 1') and the words of a race's label ('national', 'u20').

A label names a side programme (national races, youth races, promotional races) and a qualified
event a variant ('Shot Put (3kg)', '2 Miles (indoor)'). Unnamed, they give way to the meeting's own
race where it has one; named, they pick theirs. What still matches after that is listed, never picked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.models import Race, RaceResults
from bot.search.names import fold

_ROUNDS = {"final": "final", "finals": "final", "heat": "heat", "heats": "heat", "semi": "semi-final",
           "semis": "semi-final", "semifinal": "semi-final", "semifinals": "semi-final", "race": None}
_ROUND_WORD = {"final": "final", "heat": "heat", "semi-final": "semi"}
_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
_ROUND_AND_NUMBER = re.compile(r"^(?P<round>[a-z]+?)-?(?P<no>\d{1,2})?$")


@dataclass(frozen=True)
class RaceWords:
    gender: str | None = None
    event: str | None = None  # discipline code
    round: str | None = None
    number: int | None = None
    labels: tuple[str, ...] = ()  # folded words of a race label
    day: date | None = None  # two races alike but for their day (a career history's race beside the meeting's)

    @property
    def narrowing(self) -> bool:
        return bool(self.gender or self.event or self.round or self.number or self.labels or self.day)


def take_round(words: list[str]) -> tuple[list[str], str | None, int | None]:
    """'heat 2', 'heat2', 'semi-final 1', 'final', 'race 3' out of the competition's words."""
    rest: list[str] = []
    rnd: str | None = None
    number: int | None = None
    i = 0
    while i < len(words):
        m = _ROUND_AND_NUMBER.match(words[i].lower().replace("semi-final", "semifinal"))
        if m and m["round"] in _ROUNDS:
            rnd = _ROUNDS[m["round"]] or rnd
            if m["no"]:
                number = int(m["no"])
            elif i + 1 < len(words) and words[i + 1].isdigit() and len(words[i + 1]) <= 2:
                number = int(words[i + 1])
                i += 1
            i += 1
            continue
        rest.append(words[i])
        i += 1
    return rest, rnd, number


def take_day(words: list[str]) -> tuple[list[str], date | None]:
    """A day typed as 2013-06-01 out of the competition's words."""
    for i, w in enumerate(words):
        if _DAY.match(w):
            try:
                return words[:i] + words[i + 1:], date.fromisoformat(w)
            except ValueError:
                return words, None
    return words, None


def _fits(race: Race, want: RaceWords) -> bool:
    if want.day and race.day != want.day:
        return False
    if want.gender and race.gender != want.gender:
        return False
    if want.event and race.event != want.event and race.event.partition("/")[0] != want.event:
        return False
    if want.round and race.round != want.round:
        return False
    if want.number and race.race_no != want.number:
        return False
    label = fold(race.label).split()
    return all(any(t.startswith(w) for t in label) for w in want.labels)


def choose(races: list[RaceResults], want: RaceWords) -> tuple[list[RaceResults], list[RaceResults]]:
    """(the races the words pick, the races they passed over for the meeting's own programme)."""
    found = [rr for rr in races if _fits(rr.race, want)]
    passed: list[RaceResults] = []
    if want.event and "/" not in want.event:
        exact = [rr for rr in found if rr.race.event == want.event]
        if exact:
            passed += [rr for rr in found if rr.race.event != want.event]
            found = exact
    if not want.labels:
        own = [rr for rr in found if not rr.race.label]
        if own:
            passed += [rr for rr in found if rr.race.label]
            found = own
    return found, passed


def picking_words(rr: RaceResults, among: list[RaceResults]) -> str:
    """The fewest words (after the competition) that pick this race and no other of `among`."""
    race = rr.race
    gender = {"M": "men", "W": "women"}.get(race.gender, "")
    rnd = f"{_ROUND_WORD.get(race.round, race.round)} {race.race_no}"
    label = fold(race.label).split()
    first_part = fold(race.label.split("·")[0].split("(")[0]).split()
    tries: list[tuple[list[str], tuple[str, ...]]] = [([gender, race.discipline.name], ()),
                                                      ([gender, race.discipline.name, rnd], ())]
    tries += [(words, tuple(lab)) for lab in (first_part, label) if lab
              for words in ([gender, race.discipline.name], [gender, race.discipline.name, rnd])]
    for words, labels in tries:
        want = RaceWords(race.gender or None, race.event, *_round_of(words), labels)
        if choose(among, want)[0] == [rr]:
            return " ".join([w for w in words if w] + list(labels))
    return " ".join([gender, race.discipline.name, rnd, *label, race.day.isoformat()]).strip()


def _round_of(words: list[str]) -> tuple[str | None, int | None]:
    _, rnd, number = take_round(" ".join(words[2:]).split())  # "final 1" is one of `words`
    return rnd, number
