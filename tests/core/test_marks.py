import pytest

from bot.domain.disciplines import discipline, discipline_or_custom, parse_discipline
from bot.domain.marks import MarkError, format_value, margin_text, parse_mark


def mark(event, text, **kw):
    return parse_mark(parse_discipline(event), text, **kw)


@pytest.mark.parametrize("event,text,value,shown", [
    ("100m", "9.79", 9.79, "9.79"),
    ("800m", "1:41.11", 101.11, "1:41.11"),
    ("1500m", "3:29.74", 209.74, "3:29.74"),
    ("5000m", "12:35.36", 755.36, "12:35.36"),
    ("10000m", "26:11.00", 1571.0, "26:11.00"),
    ("marathon", "2:00:35", 7235.0, "2:00:35"),
    ("high jump", "2.45", 2.45, "2.45"),
    ("long jump", "8.95", 8.95, "8.95"),
    ("decathlon", "9126", 9126.0, "9126"),
    ("20km walk", "1:26:47.4h", 5207.4, "1:26:47.4h"),
])
def test_marks_parse_in_every_format(event, text, value, shown):
    m = mark(event, text)
    assert m.value == pytest.approx(value)
    assert m.text == shown
    assert m.ok


def test_colon_typed_for_decimal_point_is_read_as_hundredths():
    assert mark("1500m", "3:29:74").value == pytest.approx(209.74)
    assert mark("Mile", "3:45:34").text == "3:45.34"
    # a marathon's third group is seconds, not hundredths
    assert mark("marathon", "2:00:35").value == 7235


@pytest.mark.parametrize("event,text,words", [
    ("1500m", "0:50", "impossibly fast"),
    ("100m", "5.01", "impossibly fast"),
    ("high jump", "3.50", "beyond anything possible"),
    ("high jump", "2:45", "not a distance"),
    ("100m", "fast", "not a mark"),
    ("1500m", "", "empty"),
])
def test_impossible_marks_are_rejected_with_a_clear_message(event, text, words):
    with pytest.raises(MarkError, match=words):
        mark(event, text)


@pytest.mark.parametrize("text,status", [("DNF", "DNF"), ("dns", "DNS"), ("DQ", "DQ"), ("NM", "NM"), ("NH", "NM")])
def test_status_marks(text, status):
    m = mark("1500m", text)
    assert m.status == status and m.value is None and not m.ok


def test_direction_and_margins_per_discipline():
    assert not parse_discipline("1500m").higher_is_better
    assert parse_discipline("javelin").higher_is_better
    assert parse_discipline("heptathlon").higher_is_better
    assert margin_text(parse_discipline("1500m"), 209.74, 209.77) == "0.03 s"
    assert margin_text(parse_discipline("high jump"), 2.40, 2.35) == "5 cm"
    assert margin_text(parse_discipline("decathlon"), 9126, 9026) == "100 pts"
    assert format_value(parse_discipline("1500m"), 209.74) == "3:29.74"
    assert format_value(parse_discipline("marathon"), 7235, 0) == "2:00:35"


@pytest.mark.parametrize("name", ["Weight Throw", "Weight Throw (9 kg) indoor", "Throws Pentathlon",
                                  "Standing Long Jump indoor", "Octathlon", "Triathlon"])
def test_custom_events_named_as_throws_jumps_or_combined_events_are_won_by_the_bigger_mark(name):
    """The histories' weight throw 15.29 m beats 15.09 m (a head-to-head once gave it to 15.09)."""
    d = discipline_or_custom(name)
    assert d.base == "X" and d.higher_is_better and discipline(d.code).higher_is_better
    assert not discipline_or_custom("Mountain Race").higher_is_better


@pytest.mark.parametrize("text,code", [
    ("1500m", "1500"), ("Mile", "MILE"), ("3000m SC", "3000SC"), ("steeple", "3000SC"),
    ("110mH", "110H"), ("High Jump", "HJ"), ("hj", "HJ"), ("10,000m", "10000"),
    ("Shot Put (3kg)", "SP/3kg"), ("2 Miles indoor", "2M/indoor"),
])
def test_disciplines_as_people_write_them(text, code):
    assert parse_discipline(text).code == code


@pytest.mark.parametrize("text", ["2024", "Oslo", "kerr", ""])
def test_non_events_are_not_disciplines(text):
    assert parse_discipline(text) is None
