"""What an answer about athletes rests on, in one line: 'Diamond League 2010–2022, careers to
June 2024, imported files 2024', from the athletes' own results, and a warning when an athlete has no
career history, so a fan knows championships and recent seasons may be missing.
"""
from __future__ import annotations

from collections import defaultdict

from bot.domain.precedence import ARCHIVE, HISTORY, NAMES, OFFICIAL
from bot.domain.models import Athlete
from bot.store import Queries, SourceSpan

CAREER_ORIGINS = (HISTORY, OFFICIAL)  # sources that follow an athlete everywhere, not one series


def _years(spans: list[SourceSpan]) -> str:
    first, last = min(s.first.year for s in spans), max(s.last.year for s in spans)
    return str(first) if first == last else f"{first}–{last}"


def _parts(spans: list[SourceSpan]) -> list[str]:
    by_origin: dict[int, list[SourceSpan]] = defaultdict(list)
    for s in spans:
        by_origin[s.origin].append(s)
    parts = []
    for origin in sorted(by_origin, reverse=True):  # the most authoritative first
        group = by_origin[origin]
        if origin == ARCHIVE:
            series: dict[str, list[SourceSpan]] = defaultdict(list)
            for s in group:
                series[s.series or NAMES[ARCHIVE]].append(s)
            parts += [f"{name} {_years(ss)}" for name, ss in sorted(series.items())]
        elif origin == HISTORY:
            parts.append(f"careers to {max(s.last for s in group):%B %Y}")
        else:  # a file's rows need not name a source, so files are not counted, only their years
            parts.append(f"{NAMES.get(origin, 'other sources')} {_years(group)}")
    return parts


def coverage_line(spans: list[SourceSpan], athletes: list[Athlete]) -> str:
    parts = _parts(spans)
    line = f"Record from {', '.join(parts)}." if parts else "No results in the store yet."
    careers = {s.athlete for s in spans if s.origin in CAREER_ORIGINS}
    lacking = [a.name for a in athletes if a.id not in careers]
    if lacking:
        line += (f" No career history for {' and '.join(lacking)}: championships and recent seasons may be "
                 "missing; racebot sync --season YEAR fills them from World Athletics.")
    return line


async def coverage_of(store: Queries, athletes: list[Athlete]) -> str:
    return coverage_line(await store.coverage([a.id for a in athletes]), athletes)
