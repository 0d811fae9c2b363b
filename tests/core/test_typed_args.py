"""Each parameter is converted once, by its kind, into the command's typed Args."""
from dataclasses import dataclass
from datetime import date

import pytest

from bot.commands.catalog import build_registry
from bot.commands.h2h import H2HArgs
from bot.commands.parsing import parse, parse_args, tokenize, typed_args
from bot.commands.registry import Args, Command, Invocation, Kind, Param, Registry
from bot.domain.periods import Period, parse_period
from bot.errors import UserError

REG = build_registry()


def typed(text: str) -> Args:
    inv = parse(REG, text)
    return typed_args(REG.get(inv.command), inv)


def test_h2h_values_arrive_typed():
    args = typed('/h2h "Josh Kerr" ingebrigtsen event:1500m season:2024 finals since:2019-06 until:2022')
    assert args == H2HArgs(athlete_a="Josh Kerr", athlete_b="ingebrigtsen", event="1500", season=2024,
                           finals_only=True, since=Period("2019-06", date(2019, 6, 1), date(2019, 6, 30)),
                           until=Period("2022", date(2022, 1, 1), date(2022, 12, 31)))
    words = typed("/h2h josh kerr jakob ingebrigtsen")
    assert words.words == ("josh", "kerr", "jakob", "ingebrigtsen") and words.athlete_a is None
    assert not words.finals_only and words.season is None


@pytest.mark.parametrize("text,expected", [
    ("/top high jump women 2022", {"event": "HJ", "gender": "W", "season": 2022}),
    ("/top 1500m gender:men", {"event": "1500", "gender": "M", "season": None}),
    ("/subscribe dl delay:30 spoiler:hide heats", {"delay": 30, "spoiler": True, "all_rounds": True}),
    ("/subscribe dl spoiler", {"delay": None, "spoiler": True, "all_rounds": False}),
    ("/unsubscribe 2", {"number": 2}),
    ("/results oslo 2024 1500m", {"competition": "oslo 2024", "event": "1500", "gender": None}),
    ("/help h2h", {"command": "h2h"}),
])
def test_each_kind_has_its_type(text, expected):
    args = typed(text)
    assert {k: getattr(args, k) for k in expected} == expected


@pytest.mark.parametrize("keyword,words", [
    ("season:20x4", "not a valid season"), ("since:2019-02-30", "not a valid since"),
    ("event:furlongs", "not a valid event"), ("until:0001-01-01", "not a valid until"),
])
def test_a_value_its_kind_refuses_is_the_friendly_error(keyword, words):
    with pytest.raises(UserError, match=words):
        parse(REG, f"/h2h kerr cheruiyot {keyword}")


def test_an_option_the_command_lacks_is_refused():
    with pytest.raises(UserError, match="has no option nonsense"):
        typed_args(REG.get("h2h"), Invocation("h2h", {"nonsense": 1}))


async def _noop(services, args, ctx):
    raise AssertionError("not called")


def test_a_command_without_its_own_args_gets_them_from_its_params():
    cmd = Command("demo", "demo", (Param("count", Kind.NUMBER, "n", required=False),
                                   Param("on", Kind.DATE, "d", required=False),
                                   Param("all", Kind.FLAG, "f", required=False, choices=("everything",))), _noop)
    inv = parse_args(cmd, tokenize("count:7 on:2024-02 all:everything"))
    assert inv.args == {"count": 7, "on": parse_period("2024-02"), "all": True}
    args = typed_args(cmd, inv)
    assert (args.count, args.on.last, args.all) == (7, date(2024, 2, 29), True)
    assert typed_args(cmd, Invocation("demo")) == cmd.args()


def test_the_registry_refuses_args_that_do_not_match_the_params():
    @dataclass(frozen=True, kw_only=True)
    class Wrong(Args):
        season: int | None = None

    with pytest.raises(ValueError, match="parameters are"):
        Registry().add(Command("demo", "demo", (Param("event", Kind.EVENT, "e"),), _noop, args=Wrong))


def test_periods():
    assert parse_period("2024-02") == Period("2024-02", date(2024, 2, 1), date(2024, 2, 29))
    assert parse_period("2019-06-01") == Period("2019-06-01", date(2019, 6, 1), date(2019, 6, 1))
    assert [parse_period(t) for t in ("2019-13", "2019-02-30", "1799", "2201", "19", "2019-6", "٢٠٢٤")] == [None] * 7
