"""The charts' data as the core makes it: every point from the store's results, the same points
in --json, and no chart where there is nothing to compare. No drawing here (bot/ draws nothing)."""
from __future__ import annotations

from bot.commands.registry import Context
from bot.replies import thawed

CTX = Context(user_id="t", charts=True)  # as a chat platform with a drawer, or --json, asks


async def test_rivalry_chart_marks_every_meeting_in_the_shared_event(shared_core):
    reply = await shared_core.handle_text("/h2h Ingebrigtsen Cheruiyot", CTX)
    data = thawed(reply.data)
    spec = data["chart"]
    assert reply.chart is not None and thawed(reply.chart.spec) == spec  # what is drawn is what --json says
    assert spec["event"] == "1500m" and not spec["measured"]
    meetings = [m for m in data["meetings"] if m["event"] == "1500m"]
    # the event they met in most: more 1500m meetings than of any other event
    assert len(meetings) > len(data["meetings"]) - len(meetings)
    for side, other in (("a", "b"), ("b", "a")):
        marked = [(p["date"], p["mark"], p["outcome"]) for p in spec["points"] if p["side"] == side and p["meeting"]]
        expected = [(m["date"], m[side]["mark"], "won" if m["winner"] == side else "lost" if m["winner"] == other
                     else "tie") for m in meetings]
        assert marked == expected
    first = min(m["date"] for m in meetings)[:4]
    assert all(p["date"][:4] >= first for p in spec["points"])
    assert len([p for p in spec["points"] if not p["meeting"]]) > 10  # their other races, between meetings
    assert "12 meetings marked" in reply.chart.alt and reply.chart.key.startswith("h2h:")


async def test_rivalry_chart_follows_the_filters_and_names_championships(shared_core):
    reply = await shared_core.handle_text("/h2h Kerr Ingebrigtsen season:2023", CTX)
    points = thawed(reply.data)["chart"]["points"]
    assert points and {p["date"][:4] for p in points} == {"2023"}
    [budapest] = [p for p in points if p["meeting"] and p["side"] == "a"]
    assert (budapest["championship"], budapest["outcome"], budapest["mark"]) == ("world 2023", "won", "3:29.38")
    assert "championships: world 2023" in reply.chart.alt
    other = await shared_core.handle_text("/h2h Kerr Ingebrigtsen", CTX)
    assert other.chart.key != reply.chart.key  # another question, another drawing in the cache


async def test_no_chart_without_meetings(shared_core):
    reply = await shared_core.handle_text("/h2h Kerr Ingebrigtsen season:2015", CTX)
    assert reply.chart is None and reply.data["chart"] is None and reply.image is None


async def test_results_chart_is_each_finishers_gap_to_the_winner(shared_core):
    reply = await shared_core.handle_text("/results oslo 2024 1500m men", CTX)
    spec = thawed(reply.data)["chart"]
    finished = [r for r in thawed(reply.data)["results"] if not r["status"] and r["mark"][0].isdigit()]
    assert [(p["athlete"], p["mark"]) for p in spec["points"]] == [(r["athlete"], r["mark"]) for r in finished]
    winner = spec["points"][0]
    assert winner["gap"] == 0 and spec["points"][1]["gap"] == 0.03  # Cheruiyot, the photo finish
    for p in spec["points"]:
        assert abs(p["gap"] - (p["value"] - winner["value"])) < 1e-6
    assert "Jakob Ingebrigtsen won in 3:29.74" in reply.chart.alt


async def test_overview_of_a_competition_has_no_chart(shared_core):
    reply = await shared_core.handle_text("/results oslo 2024", CTX)
    assert not reply.error and reply.chart is None


async def test_chart_data_only_when_wanted(shared_core):
    """A question whose answer will be neither drawn nor printed as JSON skips the careers' reads."""
    for text in ("/h2h Ingebrigtsen Cheruiyot", "/results oslo 2024 1500m men"):
        plain = await shared_core.handle_text(text, Context(user_id="t"))
        assert plain.chart is None and not (plain.data or {}).get("chart") and not plain.error
