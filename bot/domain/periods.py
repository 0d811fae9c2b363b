"""The years results lie in, and a year, month or day named as a filter ('2019', '2019-06', '2019-06-01')."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# The years a result, or a filter on results, may name: date arithmetic near the calendar's ends
# (year 1 or 9999) overflows, and no athletics result lies outside these.
FIRST_YEAR, LAST_YEAR = 1800, 2200


@dataclass(frozen=True)
class Period:
    """A year, month or day as typed, with its first and last day."""

    text: str
    first: date
    last: date


def parse_period(text: str) -> Period | None:
    """'2019', '2019-06' or '2019-06-01' when it names a real year, month or day in FIRST_YEAR..LAST_YEAR."""
    if not re.fullmatch(r"[0-9]{4}(-[0-9][0-9]){0,2}", text):  # [0-9]: other scripts' digits are no date
        return None
    parts = [int(p) for p in text.split("-")]
    if not FIRST_YEAR <= parts[0] <= LAST_YEAR:
        return None
    try:
        first = date(*parts, *[1] * (3 - len(parts)))
    except ValueError:  # month 13, 30 February
        return None
    if len(parts) == 3:
        return Period(text, first, first)
    month = parts[1] if len(parts) == 2 else 12
    return Period(text, first, date(first.year, month, calendar.monthrange(first.year, month)[1]))
