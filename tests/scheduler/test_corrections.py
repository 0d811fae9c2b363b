"""What a correction says, for the changes results desks actually make."""
from __future__ import annotations

import pytest

from bot.announce.corrections import ordinal, what_changed
from bot.announce.outbox import Entry


def e(aid, name, place, mark, status="", note="") -> Entry:
    return Entry(aid, name, place, mark, status, note)


BEFORE = (e(1, "Ann", 1, "2:00.00"), e(2, "Bea", 2, "2:00.50"), e(3, "Cat", 3, "2:01.00"),
          e(4, "Dot", 4, "2:02.00"), e(5, "Eve", 5, "2:03.00"))


@pytest.mark.parametrize("after, said", [
    ((e(1, "Ann", None, "DQ", "DQ"), e(2, "Bea", 1, "2:00.50"), e(3, "Cat", 2, "2:01.00"),
      e(4, "Dot", 3, "2:02.00"), e(5, "Eve", 4, "2:03.00")),
     "Ann disqualified (was 1st, 2:00.00); Bea now 1st (was 2nd), Cat now 2nd (was 3rd), Dot now 3rd (was 4th); "
     "1 more place changed."),
    (BEFORE[:4] + (e(5, "Eve", None, "DNF", "DNF"),), "Eve now listed as did not finish (was 5th, 2:03.00)."),
    ((e(1, "Ann", 1, "2:00.00", note="DOP"),) + BEFORE[1:], "Ann's result was annulled (was 1st, 2:00.00)."),
    (BEFORE[:4] + (e(5, "Eve", 5, "2:02.99"),), "Eve's mark corrected to 2:02.99 (was 2:03.00)."),
    (BEFORE + (e(6, "Fay", 6, "2:04.00"),), "Fay added (6th, 2:04.00)."),
    (BEFORE[:4], "Eve removed from the results (was 5th, 2:03.00)."),
])
def test_what_changed(after, said):
    assert what_changed(BEFORE, after) == said


def test_reinstated_and_ordinals():
    dq = (e(1, "Ann", None, "DQ", "DQ"),)
    assert what_changed(dq, (e(1, "Ann", 1, "2:00.00"),)) == "Ann reinstated: 1st, 2:00.00 (was DQ)."
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
