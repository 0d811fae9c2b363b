"""The results chart's data: each finisher's gap to the winner, in finishing order."""
from __future__ import annotations

from typing import Any

from bot.domain.models import RaceResults
from bot.domain.race_report import race_title, winner
from bot.replies import Chart

MAX_BARS = 16  # a heat of the 10,000 m has 20 and more: the back of it is the table's to tell


def gaps_chart(rr: RaceResults) -> Chart | None:
    """None when there is nothing to compare: no known winner, or nobody else finished."""
    first = winner(rr)
    if first is None:
        return None
    best = first[0].known_value
    d = rr.race.discipline
    points: list[dict[str, Any]] = []
    for res, ath in rr.results:
        if not res.finished or res.value is None or res.note == "DOP":
            continue
        points.append({"place": res.place, "athlete": ath.name, "country": ath.country, "mark": res.mark,
                       "value": round(res.value, 3), "gap": round(abs(res.value - best), 3)})
        if len(points) == MAX_BARS:
            break
    if len(points) < 2:
        return None
    title = f"{race_title(rr).strip()} · {rr.competition.label}"
    unit = "m" if d.measured else "s"
    spec = {"kind": "gaps", "title": title, "event": d.name, "measured": d.measured, "unit": unit,
            "points": points}
    last = points[-1]
    alt = (f"Bar chart of gaps to the winner, {title}: {first[1].name} won in {first[0].mark}; "
           f"{len(points) - 1} more finishers shown, the last {last['athlete']} {last['gap']:g} {unit} behind.")
    return Chart("gaps", f"race:{rr.race.id}", alt, spec)
