"""Forty files `racebot import` must refuse whole: each with the words its error must contain.

`line` is the line (or JSON item) the error must name, 0 for the file."""
from __future__ import annotations

from dataclasses import dataclass

from store_state import HEADER

H = HEADER + "\n"
GOOD = "2024-06-01,Corpus Games,Testville,,1500m,M,final,,1,Alpha Corpusrunner,NOR,3:30.00,,,test,"
SECOND = "2024-06-01,Corpus Games,Testville,,1500m,M,final,,2,Beta Corpusrunner,SWE,3:31.00,,,test,"


def row(**fields: str) -> str:
    values = dict(zip(HEADER.split(","), GOOD.split(",")))
    values.update(fields)
    return ",".join(values.values())


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def json_rows(text: str) -> bytes:
    return text.encode()


ITEM = '{"date": "2024-06-01", "competition": "Corpus Games", "event": "1500m", "gender": "M", ' \
       '"athlete": "Alpha Corpusrunner", "mark": "3:30.00", "place": "1"}'


@dataclass(frozen=True)
class Bad:
    name: str
    content: bytes
    words: tuple[str, ...]
    line: int


CORPUS = [
    Bad("bad-date.csv", csv(GOOD, row(date="2024-13-45", athlete="Beta Corpusrunner")), ("date",), 3),
    Bad("date-in-words.csv", csv(GOOD, row(date="yesterday", athlete="Beta Corpusrunner")), ("date",), 3),
    Bad("date-with-time.csv", csv(row(date="2024-06-01T19:00")), ("date",), 2),
    Bad("date-beyond-calendar.csv", csv(row(date="99999-01-01")), ("date",), 2),
    Bad("bad-gender.csv", csv(GOOD, row(gender="X", athlete="Beta Corpusrunner")), ("gender",), 3),
    Bad("unknown-column.csv", csv(GOOD + ",42", header=HEADER + ",shoe_size"), ("shoe_size",), 1),
    Bad("missing-column.csv", csv("2024-06-01,Corpus Games,1500m,M,Alpha Corpusrunner",
                                  header="date,competition,event,gender,athlete"), ("mark",), 1),
    Bad("duplicate-column.csv", csv(GOOD + ",Other Name", header=HEADER + ",athlete"), ("athlete",), 1),
    Bad("too-many-fields.csv", csv(GOOD, SECOND + ",extra"), ("fields",), 3),
    Bad("too-few-fields.csv", csv(GOOD, "2024-06-01,Corpus Games,Testville"), ("fields",), 3),
    Bad("unterminated-quote.csv", csv(GOOD, SECOND.replace("Beta", '"Beta'), SECOND.replace("2,", "3,")),
        ("quote", "never closed"), 3),
    Bad("truncated-last-row.csv", (H + GOOD + "\n" + SECOND[:40]).encode(), ("fields",), 3),
    Bad("contradictory-rows.csv", csv(GOOD, row(mark="3:40.00")), ("Alpha Corpusrunner",), 3),
    Bad("duplicate-athlete-rows.csv", csv(GOOD, SECOND, GOOD), ("Alpha Corpusrunner",), 4),
    Bad("punctuation-namesakes.csv", csv(row(athlete="Jean-Paul Corpus"), row(athlete="Jean Paul Corpus", place="2",
                                                                              mark="3:31.00")),
        ("Jean",), 3),
    Bad("bad-mark.csv", csv(GOOD, row(mark="fast", athlete="Beta Corpusrunner")), ("mark",), 3),
    Bad("negative-mark.csv", csv(row(mark="-3:30.00")), ("mark",), 2),
    Bad("mark-for-another-event.csv", csv(row(event="High Jump", mark="3:30.00")), ("mark",), 2),
    Bad("bad-place.csv", csv(row(place="first")), ("place",), 2),
    Bad("bad-wind.csv", csv(row(event="100m", mark="9.90", wind="strong")), ("wind",), 2),
    Bad("empty-athlete.csv", csv(GOOD, row(athlete="")), ("athlete",), 3),
    Bad("empty-competition.csv", csv(row(competition="")), ("competition",), 2),
    Bad("no-mark-no-status.csv", csv(GOOD, row(mark="", place="2", athlete="Beta Corpusrunner")), ("mark",), 3),
    Bad("non-ascii-digits-in-place.csv", csv(row(place="١")), ("place",), 2),
    Bad("nul-in-name.csv", csv(GOOD, row(athlete="Beta\x00Corpusrunner")), ("athlete",), 3),
    Bad("huge-name.csv", csv(row(athlete="Alpha " + "Z" * 200_000)), ("athlete",), 2),
    Bad("huge-competition.csv", csv(row(competition="Corpus " + "Games " * 100)), ("competition",), 2),
    Bad("invalid-utf8.csv", H.encode() + GOOD.encode() + b"\n" + SECOND.encode().replace(b"Beta", b"B\xe9ta") + b"\n",
        ("UTF-8",), 3),
    Bad("bom-then-garbage.csv", b"\xef\xbb\xbf" + bytes(range(1, 128)) * 3, ("column",), 1),
    Bad("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), ("UTF-8",), 0),
    Bad("empty.csv", b"", ("column",), 1),
    Bad("header-only.csv", H.encode(), ("no rows",), 0),
    Bad("not-json.json", b"{[}", ("JSON",), 1),
    Bad("json-object.json", json_rows(ITEM), ("list",), 1),
    Bad("json-numbers.json", json_rows("[1, 2, 3]"), ("object",), 1),
    Bad("json-missing-key.json", json_rows(f'[{ITEM}, {{"date": "2024-06-01", "athlete": "X Y"}}]'), ("lacks",), 2),
    Bad("json-bad-date.json", json_rows(f'[{ITEM}, {ITEM.replace("2024-06-01", "2024-02-30").replace("Alpha", "Beta")}]'),
        ("date",), 2),
    Bad("json-unknown-key.json", json_rows(f'[{ITEM[:-1]}, "shoe_size": 42}}]'), ("shoe_size",), 1),
    Bad("json-empty-list.json", b"[]", ("no rows",), 0),
    Bad("json-truncated.json", json_rows(f"[{ITEM}, {ITEM}")[:-30], ("JSON",), 1),
    Bad("json-deeply-nested.json", b"[" * 100_000 + b"]" * 100_000, ("JSON",), 1),
    Bad("json-invalid-utf8.json", json_rows(f"[{ITEM}]").replace(b"Alpha", b"\xff\xfe"), ("UTF-8",), 0),
    Bad("json-nul-in-name.json", json_rows(f"[{ITEM}]").replace(b"Alpha", b"Al\\u0000pha"), ("athlete",), 1),
    Bad("2024_corrupt-archive.json", b'{"meeting": 12, "events": "none"}', ("Diamond League archive",), 0),
]
