"""Every /h2h and /athlete answer ends with what it rests on, computed from the athletes' results:
checked against the SQLite file itself, and through each platform's real renderer."""
from __future__ import annotations

import sqlite3
from datetime import date

from adapters import console
from adapters.discord import render as discord_render
from adapters.slack import render as slack_render
from bot.commands.registry import Context
from bot.ingest.importer import import_rows
from bot.domain.precedence import ARCHIVE, HISTORY, SEED
from bot.ingest.rows import ResultRow
from racebot.importing import import_file

CTX = Context(user_id="t")
CATCH_UP = "racebot sync --season YEAR fills them from World Athletics"


async def ask(core, text):
    reply = await core.handle_text(text, CTX)
    assert not reply.error, reply.plain_text()
    return reply


def years(db, names: tuple[str, ...], origin: int) -> str:
    """The span of these athletes' results from one kind of source, read straight from the file."""
    marks = ",".join("?" * len(names))
    with sqlite3.connect(db) as conn:
        first, last = conn.execute(
            "SELECT min(substr(r.day, 1, 4)), max(substr(r.day, 1, 4)) FROM results res "
            "JOIN races r ON r.id = res.race_id JOIN athletes a ON a.id = res.athlete_id "
            f"WHERE a.name IN ({marks}) AND res.origin = ?", (*names, origin)).fetchone()
    return first if first == last else f"{first}–{last}"


async def test_the_h2h_line_names_the_sources_and_years_of_both_careers(shared_core, bundled_db):
    reply = await ask(shared_core, "/h2h Kerr Ingebrigtsen")
    pair = ("Josh Kerr", "Jakob Ingebrigtsen")
    line = reply.plain_text().splitlines()[-1]
    assert line == reply.coverage == reply.data["coverage"]
    assert f"Diamond League {years(bundled_db, pair, ARCHIVE)}" in line
    assert f"the seed article {years(bundled_db, pair, SEED)}" in line
    assert "careers to June 2024" in line  # Jakob Ingebrigtsen's history, bundled
    # Kerr ran no Rome 2024 and has no career history: the line says what may be missing, and how to fill it.
    assert "No career history for Josh Kerr:" in line and CATCH_UP in line


async def test_a_career_history_and_an_imported_file_change_the_line(results_only_core, tmp_path):
    core = results_only_core  # neither has a history there yet
    glasgow = [ResultRow(date(2024, 3, 3), "World Athletics Indoor Championships", "3000m (indoor)", "M", name,
                         mark, venue="Glasgow", series="World Indoor Championships", place=place, country=nat,
                         origin=HISTORY, source="career history", line=i)
               for i, (place, name, nat, mark) in enumerate([(1, "Josh Kerr", "GBR", "7:42.98"),
                                                              (2, "Yared Nuguse", "USA", "7:43.59")], 1)]
    await import_rows(core.store, glasgow, "history", strict=True)
    csv = tmp_path / "my-club.csv"
    csv.write_text("date,competition,event,gender,athlete,country,mark,place\n"
                   "2024-06-08,Club Mile,Mile,M,Josh Kerr,GBR,3:58.00,1\n", "utf-8")
    await import_file(core.store, csv)
    await core.start()
    kerr = await ask(core, "/athlete Josh Kerr")
    assert "careers to March 2024" in kerr.coverage and "imported files 2024" in kerr.coverage
    assert "No career history" not in kerr.coverage
    pair = await ask(core, "/h2h Kerr Ingebrigtsen")
    assert "No career history for Jakob Ingebrigtsen:" in pair.coverage  # Kerr has one now


async def test_every_renderer_puts_the_line_last(shared_core):
    replies = [await ask(shared_core, text) for text in (
        "/h2h Kerr Ingebrigtsen", "/h2h Thomas Barshim", "/athlete nordas", "/athlete Mutaz Essa Barshim")]
    for reply in replies:
        assert reply.coverage.startswith("Record from ")
        assert console.render(reply).splitlines()[-1] == reply.coverage
        last = discord_render.render(reply)[-1].embeds[-1]
        assert last["footer"]["text"].splitlines()[-1] == reply.coverage
        messages = slack_render.render(reply)
        block = messages[-1]["blocks"][-1]
        assert block["type"] == "context" and "".join(e["text"] for e in block["elements"]) == reply.coverage
