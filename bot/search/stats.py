"""Athletes' stats by id, held as saved rows until each is first asked for (bot.search.rows)."""
from __future__ import annotations

from datetime import date
from sys import intern

from bot.domain.models import Athlete
from bot.search.rows import Row, Rows
from bot.store import AthleteStat


class StatRows(Rows[AthleteStat]):
    """Athletes' stats by id, made from their packed rows on first use."""

    __slots__ = ()

    @staticmethod
    def encode(st: AthleteStat) -> Row:
        a = st.athlete
        # most names are the given name and the surname: held once, not twice
        name = None if a.name == f"{a.given} {a.family}" else a.name
        return (a.id, name, a.given, a.family, a.country, a.gender, a.birth_year,
                a.birth_date.toordinal() if a.birth_date else None,
                st.results, st.last_day.toordinal() if st.last_day else None, st.events)

    @staticmethod
    def decode(row: Row) -> AthleteStat:
        aid, name, given, family, country, gender, birth_year, born, results, last, events = row
        return AthleteStat(Athlete(aid, f"{given} {family}" if name is None else name, intern(given), intern(family),
                                   intern(country), intern(gender), birth_year, _day(born)),
                           results, _day(last), events)

    def activity(self, athlete_id: int) -> tuple[int, date | None]:
        """Results and last day, read from the row when the athlete was not made yet: ranking a
        group of hundreds of namesakes made each only to read these two."""
        made = self._made.get(athlete_id)
        if made is not None:
            return made.results, made.last_day
        row = self.row(athlete_id)
        return row[8], _day(row[9])


def _day(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)
