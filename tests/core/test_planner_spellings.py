"""The planner's search for an athlete spelt otherwise (Planner._same_person) skips the athletes a
source's ids already cover, and all of it once every athlete has an id of that source: what it
finds must stay what a search of every namesake finds."""
from __future__ import annotations

from datetime import date

from bot.domain.models import Athlete
from bot.ingest.planner import Planner
from bot.ingest.rows import ResultRow
from bot.store import Identities

HENRIK = Athlete(1, "Henrik Børkja Ingebrigtsen", "Henrik Børkja", "Ingebrigtsen", "NOR", "M")
KATERINA = Athlete(2, "Ekateríni Stefanídi", "Ekateríni", "Stefanídi", "GRE", "W")


def row(name: str, country: str, gender: str, source_id: str, scheme: str = "tp") -> ResultRow:
    return ResultRow(date=date(2024, 6, 1), competition="Meet", event="100m", gender=gender, athlete=name,
                     mark="", country=country, athlete_id=source_id, id_scheme=scheme, line=1)


def test_each_athlete_is_found_under_another_spelling_until_the_source_knows_them_all():
    planner = Planner(Identities([HENRIK, KATERINA], {}, [], []), "f.csv")
    assert planner.athlete(row("Aikaterini Stefanidi", "GRE", "W", "T2")) == 2
    # the first match leaves one athlete the source does not know: still looked for
    assert planner.athlete(row("Henrik Ingebrigtsen", "NOR", "M", "T1")) == 1
    # the source knows both now; a new athlete with another source's id is one it does not know
    jakob = planner.athlete(row("Jakob Ingebrigtsen", "NOR", "M", "W9", scheme="wa"))
    assert planner.athlete(row("Jakob Ingebrigtsen Jr", "NOR", "M", "T4")) == jakob < 0
    # now the source knows everyone: another spelling is a new athlete, not a guess
    assert planner.athlete(row("Henrik B Ingebrigtsen", "NOR", "M", "T3")) < jakob
    assert [a.name for a in planner.plan.athletes] == ["Jakob Ingebrigtsen", "Henrik B Ingebrigtsen"]


def test_a_source_knowing_an_athlete_by_one_id_never_gives_them_a_second():
    planner = Planner(Identities([HENRIK], {("tp", "T1"): 1}, [], []), "f.csv")
    assert planner.athlete(row("Henrik Ingebrigtsen", "NOR", "M", "T2")) < 0
