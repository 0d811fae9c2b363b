"""Phone-width layout (bot/narrow.py) and /help in each platform's syntax (bot/commands/usage.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.catalog import build_registry
from bot.commands.help import HelpArgs, explain
from bot.commands.registry import Syntax
from bot.commands.usage import example, usage
from bot.narrow import BREAK, abbreviated, cards, wrap
from bot.replies import PHONE_WIDTH, Column, Table

DISCORD = Syntax(options=True)
SLACK = Syntax(umbrella="racebot", under_umbrella=frozenset({"status"}))
words = st.text(alphabet="abcdefghij KLM·-.:1", max_size=120)


@settings(max_examples=200, derandomize=True, database=None)
@given(words, st.integers(8, 60))
def test_wrapped_lines_fit_and_keep_every_character_but_the_breaks(text, width):
    lines = wrap(text, width)
    assert all(len(line) <= width for line in lines)
    # Only spaces (and the " · " a line broke at) are given up: nothing of the text is lost.
    squeeze = lambda s: s.replace(BREAK, "").replace(" ", "")  # noqa: E731
    assert squeeze("".join(lines)) == squeeze(text)


def test_a_line_breaks_between_parts_before_it_breaks_between_words():
    assert wrap("2023-08-20 Budapest · 1500m Semi-final · 0.10 s", 40) == [
        "2023-08-20 Budapest · 1500m Semi-final", "  0.10 s"]
    assert wrap("Josh Kerr · Prefontaine Classic Bowerman Mile Invitational", 30) == [
        "Josh Kerr", "  Prefontaine Classic Bowerman", "  Mile Invitational"]


def test_cards_start_at_the_margin_and_indent_what_follows():
    table = Table((Column("#"), Column("Name")), (("1", "Kerr"), ("2", "x" * 100)),
                  narrow=(("1. Kerr", "3:45.34 · NR WL PB"), ("  2. " + "x" * 100, "")))
    assert cards(table) == [["1. Kerr", "  3:45.34 · NR WL PB"],
                            ["2. " + "x" * 37, "  " + "x" * 38, "  " + "x" * 25]]
    generic = cards(Table((Column("#"), Column("Name")), (("1", " Kerr "), ("", ""))))
    assert generic == [["1 · Kerr"], [""]]
    assert all(len(line) <= PHONE_WIDTH for card in cards(Table((Column("a"),), (("y" * 10_000,),)))
               for line in card)


def test_names_shorten_only_as_far_as_they_still_tell_apart():
    assert abbreviated("Kerr", "Ingebrigtsen") == ("Kerr", "Ing.")
    assert abbreviated("Ingebrigtsen", "Ingram") == ("Inge.", "Ingr.")
    assert abbreviated("Jakob Ingebrigtsen", "Henrik Ingebrigtsen") == ("JI", "HI")
    assert abbreviated("Jakob Ingebrigtsen", "Jan Ingebrigtsen") == ("Jakob Ingebrigtsen", "Jan Ingebrigtsen")
    assert abbreviated("Smith", "Smithe") == ("Smith", "Smithe")


def test_usage_and_examples_in_each_platforms_syntax():
    registry = build_registry()
    h2h, status, subscribe = registry.get("h2h"), registry.get("status"), registry.get("subscribe")
    assert usage(h2h, Syntax()) == "/h2h <athlete_a> <athlete_b> [event:…] [season:…] [finals_only] [since:…] [until:…] [page:…]"
    assert usage(h2h, DISCORD).startswith("/h2h athlete_a:… athlete_b:… [event:…]")
    assert example(h2h, '/h2h "Jakob Ingebrigtsen" Cheruiyot event:1500m finals', DISCORD) == \
        "/h2h athlete_a:Jakob Ingebrigtsen athlete_b:Cheruiyot event:1500m finals_only:True"
    assert example(h2h, "/h2h Kerr Ingebrigtsen", SLACK) == "/h2h Kerr Ingebrigtsen"
    assert example(status, "/status", SLACK) == "/racebot status" and usage(status, SLACK) == "/racebot status"
    assert example(registry.get("top"), "/top high jump women", DISCORD) == "/top event:high jump gender:women"
    assert example(subscribe, '/subscribe "Josh Kerr", "Jakob Ingebrigtsen" spoiler delay:30', DISCORD) == \
        "/subscribe athletes:Josh Kerr, Jakob Ingebrigtsen spoiler:True delay:30"


def test_help_speaks_the_askers_platform():
    registry = build_registry()
    on_slack = explain(registry, HelpArgs(), SLACK)
    assert ("/racebot status", registry.get("status").description) in on_slack.table.rows
    assert "Type /help h2h for one command." in on_slack.paragraphs[0].text
    on_discord = explain(registry, HelpArgs(command="h2h"), DISCORD)
    assert "Usage: /h2h athlete_a:… athlete_b:…" in on_discord.plain_text()
    assert "Example: /h2h athlete_a:Kerr athlete_b:Ingebrigtsen" in on_discord.plain_text()
    assert "Type /help command:h2h" in explain(registry, HelpArgs(), DISCORD).paragraphs[0].text
    on_console = explain(registry, HelpArgs(command="status"), Syntax())
    assert on_console.title == "/status" and "Usage: /status" in on_console.plain_text()
