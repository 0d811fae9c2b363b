"""People as World Athletics prints them, turned into how people write them; and WA's dates.

WA prints the family name in capitals ("Jakob INGEBRIGTSEN", "Narve Gilje NORDÅS"); fans write
"Jakob Ingebrigtsen". The core's bot.search.names.split_name does the work, so a WA athlete reads exactly
like the same athlete from the archive. Team names (relays) are not people: kept as printed.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from bot.search.names import split_name

_MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})$")


def name_parts(raw: str | None) -> tuple[str, str, str]:
    """(display, given, family): 'Jakob INGEBRIGTSEN' -> ('Jakob Ingebrigtsen', 'Jakob', 'Ingebrigtsen')."""
    return split_name(" ".join((raw or "").split()))


def display_name(raw: str | None) -> str:
    return name_parts(raw)[0]


def full_name(given: str | None, family: str | None) -> str:
    return display_name(" ".join(p for p in (given, family) if p))


def parse_date(text: str | None) -> date | None:
    """WA writes dates as '19 SEP 2000', '2022-06-16' or '2022-06-16T00:00:00.000Z'."""
    text = (text or "").strip()
    if not text:
        return None
    m = _DAY_MONTH_YEAR.match(text)
    if m:
        month = _MONTHS.get(m.group(2).upper())
        if month is None:
            return None
        try:
            return date(int(m.group(3)), month, int(m.group(1)))
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


def id_from_slug(slug: str | None) -> str:
    """'norway/jakob-ingebrigtsen-14653717' -> '14653717' (a fallback when `id` is absent)."""
    m = re.search(r"-(\d{6,})$", slug or "")
    return m.group(1) if m else ""
