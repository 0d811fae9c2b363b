"""The index's tables of athletes and competitions hold each entry packed until asked for
(bot.search.rows): what comes back is what went in, through a pack and through a pickle."""
from __future__ import annotations

import pickle
from datetime import date

from bot.domain.models import Athlete, Competition
from bot.search.athletes import StatRows
from bot.search.competitions import CompetitionRows
from bot.store import AthleteStat

STATS = [
    AthleteStat(Athlete(7, "Jakob Ingebrigtsen", "Jakob", "Ingebrigtsen", "NOR", "M", 2000, date(2000, 9, 19)),
                412, date(2024, 8, 22), ("1500", "5000")),
    # a name that is not given + surname, none given, nothing known but the name
    AthleteStat(Athlete(8, "KIPYEGON Faith", "Faith", "Kipyegon", "KEN", "W", None, None), 3, None, ()),
    AthleteStat(Athlete(9, "Pelé", "", "Pelé"), 0, None, ()),
]
COMPETITION = Competition(3, "Bislett Games", "Oslo", "NOR", date(2024, 5, 30), date(2024, 5, 30),
                          "Diamond League", "DF")


def test_packed_athletes_come_back_equal_and_tell_their_activity_unmade():
    rows = StatRows()
    for st in STATS:
        rows[st.athlete.id] = st
    rows.pack()
    assert all(isinstance(packed, bytes) for packed in rows._rows.values()) and not rows._made
    assert rows.activity(7) == (412, date(2024, 8, 22)) and not rows._made  # read, not made
    again = pickle.loads(pickle.dumps(rows))
    for table in (rows, again):
        assert [table[st.athlete.id] for st in STATS] == STATS
    assert rows.activity(8) == (3, None)  # from the object made above


def test_packed_competitions_come_back_equal():
    rows = CompetitionRows()
    rows[COMPETITION.id] = COMPETITION
    again = pickle.loads(pickle.dumps(rows))  # pickled while held as the object
    rows.pack()
    assert rows[3] == again[3] == COMPETITION and rows.get(4) is None
