"""The in-memory meeting index agrees with the store's SQL, and keeps the meeting rules."""
import random
from datetime import date

from results_only import core, db_copy  # noqa: F401 (invented athletes: the store without the histories)

from bot.commands.registry import Context
from bot.h2h.meetings import MeetingIndex
from racebot.importing import import_file

HEADER = "date,competition,venue,event,gender,place,athlete,country,mark,source\n"
# Four races between Ada and Bo: one real meeting each way, a race both failed to finish (not a
# meeting), a DNS (not a meeting). Cy only met Ada once, and her DNF still counts as a meeting.
ROWS = """\
2025-06-12,Bislett Games,Oslo,5000m,M,1,Ada Quarrel,NOR,12:58.10,test
2025-06-12,Bislett Games,Oslo,5000m,M,2,Bo Quarrel,SWE,12:58.15,test
2025-07-05,Athletissima,Lausanne,5000m,M,1,Bo Quarrel,SWE,12:50.00,test
2025-07-05,Athletissima,Lausanne,5000m,M,,Ada Quarrel,NOR,DNF,test
2025-07-05,Athletissima,Lausanne,5000m,M,2,Cy Quarrel,KEN,12:51.00,test
2025-08-20,Weltklasse,Zürich,5000m,M,,Ada Quarrel,NOR,DNF,test
2025-08-20,Weltklasse,Zürich,5000m,M,,Bo Quarrel,SWE,DNF,test
2025-09-01,Memorial Van Damme,Brussels,5000m,M,1,Ada Quarrel,NOR,12:59.00,test
2025-09-01,Memorial Van Damme,Brussels,5000m,M,,Bo Quarrel,SWE,DNS,test
"""


async def _ids(core, *names):
    stats = core.indexes.athletes.stats
    by_name = {s.athlete.name: i for i, s in stats.items()}
    return [by_name[n] for n in names]


async def test_meeting_rules_in_memory(core, tmp_path):
    path = tmp_path / "quarrel.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    await import_file(core.store, path)
    await core.start()
    ada, bo, cy = await _ids(core, "Ada Quarrel", "Bo Quarrel", "Cy Quarrel")
    (ab,) = core.indexes.meetings.pair_stats([ada], [bo])
    assert (ab.meetings, ab.last_day) == (2, date(2025, 7, 5))
    assert core.indexes.meetings.opponents(ada) == {bo: 2, cy: 1}
    assert core.indexes.meetings.opponents(bo) == {ada: 2, cy: 1}
    assert core.indexes.meetings.pair_stats([ada], [ada]) == []


async def test_agrees_with_the_stores_sql_on_the_bundled_archive(shared_core):
    index = shared_core.indexes.meetings
    rng = random.Random(7)
    busy = sorted(shared_core.indexes.athletes.stats.values(), key=lambda s: -s.results)[:400]
    ids = [s.athlete.id for s in rng.sample(busy, 60)]
    checked = 0
    for a in ids[:30]:
        want = {(p.a, p.b): (p.meetings, p.last_day) for p in await shared_core.store.pair_stats([a], ids)}
        got = {(p.a, p.b): (p.meetings, p.last_day) for p in index.pair_stats([a], ids)}
        assert got == want
        opp = index.opponents(a)
        sql = {p.b: p.meetings for p in await shared_core.store.pair_stats([a], list(opp))}
        assert opp == sql
        checked += len(want)
    assert checked > 20  # the sample really holds rivals


async def test_unknown_athletes_and_an_empty_store_have_no_meetings():
    async def nothing():
        return
        yield

    index = await MeetingIndex.build(nothing())
    assert index.pair_stats([1, 2], [3]) == []
    assert index.opponents(99) == {}


async def test_rival_suggestions_come_first_for_athlete_b(shared_core):
    choices = await shared_core.complete("h2h", "athlete_b", "", {"athlete_a": "Jakob Ingebrigtsen"}, limit=5)
    assert choices and all("meeting" in c.name for c in choices)
    reply = await shared_core.handle_text("/h2h Ingebrigtsen Cheruiyot", Context())
    assert reply.title == "Jakob Ingebrigtsen v Timothy Cheruiyot"
