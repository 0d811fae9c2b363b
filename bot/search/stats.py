"""Athletes' stats by id, held as saved rows until each is first asked for (bot.search.rows)."""
from __future__ import annotations

from datetime import date

from bot.domain.models import Athlete
from bot.search.rows import Row, Rows
from bot.store import AthleteStat


class StatRows(Rows[AthleteStat]):
    __slots__ = ()

    @staticmethod
    def encode(st: AthleteStat) -> Row:
        a = st.athlete
        return (a.id, a.name, a.given, a.family, a.country, a.gender, a.birth_year, a.birth_date,
                st.results, st.last_day, st.events)

    @staticmethod
    def decode(row: Row) -> AthleteStat:
        return AthleteStat(Athlete(*row[:8]), *row[8:])

    def activity(self, athlete_id: int) -> tuple[int, date | None]:
        """Results and last day, read from the row when the athlete was not made yet: ranking a
        group of hundreds of namesakes made each only to read these two."""
        row = self._rows[athlete_id]
        if row is None:
            st = self._made[athlete_id]
            return st.results, st.last_day
        return row[8], row[9]
