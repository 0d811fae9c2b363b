import pytest

from bot.commands.catalog import build_registry
from bot.commands.parsing import parse
from bot.errors import UserError

REG = build_registry()


@pytest.mark.parametrize("text,args,words", [
    ("/h2h Kerr Ingebrigtsen", {"athlete_a": "Kerr", "athlete_b": "Ingebrigtsen"}, []),
    ('/h2h "Jakob Ingebrigtsen" kerr event:1500m season:2024 finals',
     {"athlete_a": "Jakob Ingebrigtsen", "athlete_b": "kerr", "event": "1500", "season": 2024,
      "finals_only": True}, []),
    ("/h2h josh kerr jakob ingebrigtsen mile", {"event": "MILE"}, ["josh", "kerr", "jakob", "ingebrigtsen"]),
    ("/h2h “Josh Kerr” ‘Jakob’", {"athlete_a": "Josh Kerr", "athlete_b": "Jakob"}, []),
    ("/results oslo 2024 1500m", {"competition": "oslo 2024", "event": "1500"}, []),
    ("/top high jump 2022 women", {"event": "HJ", "season": 2022, "gender": "W"}, []),
    ("/top event:steeple gender:men", {"event": "3000SC", "gender": "M"}, []),
])
def test_command_text_parses(text, args, words):
    inv = parse(REG, text)
    assert inv.args == args and inv.words == words


@pytest.mark.parametrize("text,words", [
    ("/nothing", "don't know the command"), ("", "Type a command"), ("/top season:20x4 1500m", "not a valid season"),
    ('/h2h "Kerr Ingebrigtsen', "quote is not closed"), ("/next tomorrow please", "don't understand"),
])
def test_bad_text_is_a_user_error(text, words):
    with pytest.raises(UserError, match=words):
        parse(REG, text)
