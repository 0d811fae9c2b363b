"""The Diamond League archive's quirks give right answers (issue 11, part 2), checked against the
raw files of shared/data."""
from raw_archive import archive_race, person

from bot.commands.registry import Context


async def ask(core, text):
    return await core.handle_text(text, Context())


async def test_a_jumper_listed_twice_counts_once_by_the_placed_row(shared_core):
    day, rows = archive_race("2021_27", "M", "Long Jump")
    gayle = [r for r in rows if r["athlete"] == "Tajay GAYLE"]
    assert [(r["place"], r["mark"]) for r in gayle] == [("1.", "8.55"), ("", "8.27")]  # the quirk itself
    reply = await ask(shared_core, "/results stockholm 2021 longjump men")
    winner = reply.data["results"][0]
    assert (winner["athlete"], winner["place"], winner["mark"]) == ("Tajay Gayle", 1, "8.55")
    assert [r["athlete"] for r in reply.data["results"]].count("Tajay Gayle") == 1
    assert len(reply.data["results"]) == len({r["id"] for r in rows})


async def test_tied_places_are_meetings_with_nobody_ahead(shared_core):
    reply = await ask(shared_core, "/h2h Mason Grabarz")
    assert reply.data["a"]["name"] == "Michael Mason" and reply.data["b"]["name"] == "Robbie Grabarz"
    assert len(reply.data["meetings"]) == 9 and reply.data["ties"] == 3
    ties = [m for m in reply.data["meetings"] if m["winner"] == ""]
    assert all(m["a"]["place"] == m["b"]["place"] and m["margin"] == "tie" for m in ties)
    assert "They tied three times." in reply.plain_text()
    day, rows = archive_race("2017_37", "M", "High Jump")  # Birmingham 2017: both 7th
    placed = {person(r["athlete"]): r["place"] for r in rows}
    assert placed["Michael Mason"] == placed["Robbie Grabarz"] == "7."
    assert any(m["date"] == day for m in ties)


async def test_a_race_run_in_several_places_is_shown_as_such_and_is_no_meeting(shared_core):
    reply = await ask(shared_core, "/results oslo 2020 2000m")
    assert "run in several places (Oslo; Nairobi)" in reply.title
    h2h = await ask(shared_core, '/h2h "Jakob Ingebrigtsen" "Henrik Ingebrigtsen"')
    assert "2020-06-11" not in {m["date"] for m in h2h.data["meetings"]}
