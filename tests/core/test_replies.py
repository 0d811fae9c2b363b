"""A Reply is made once and never changed: it is cached by id() and shared by every channel of a fan-out."""
import dataclasses
import json
from datetime import datetime, timezone

import pytest

from bot.replies import Field, Moment, Paragraph, Reply, thawed

DATA = {"a": {"id": 1, "name": "Ådne"}, "meetings": [{"date": "2024-06-01", "flags": ["WL", "PB"]}],
        "empty": [], "none": None, "wins": {"a": 2, "b": 1}}


def test_a_reply_cannot_be_changed():
    reply = Reply("t", [Paragraph.of("p")], fields=[Field("f", "v")], moments=[], data=DATA)
    assert isinstance(reply.paragraphs, tuple) and isinstance(reply.fields, tuple) and reply.moments == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.title = "changed"  # type: ignore[misc]  # the write that must fail
    with pytest.raises(TypeError):
        reply.data["wins"]["a"] = 5  # type: ignore[index]  # the write that must fail
    with pytest.raises(AttributeError):
        reply.data["meetings"][0]["flags"].append("SB")
    assert reply.data["wins"] == {"a": 2, "b": 1} and reply.data["meetings"][0]["flags"] == ("WL", "PB")


def test_data_is_copied_so_the_builder_keeps_no_handle_on_it():
    mine = {"list": [1, 2]}
    reply = Reply("t", data=mine)
    mine["list"].append(3)
    assert reply.data["list"] == (1, 2)


def test_replace_derives_a_new_reply_and_leaves_the_first_alone():
    first = Reply("t", [Paragraph.of("p")], data=DATA)
    second = dataclasses.replace(first, paragraphs=(*first.paragraphs, Paragraph.of("q")), 
                                 moments=[Moment(datetime(2024, 6, 1, tzinfo=timezone.utc), "12:00")])
    assert [p.text for p in first.paragraphs] == ["p"] and [p.text for p in second.paragraphs] == ["p", "q"]
    assert second.data == first.data and isinstance(second.moments, tuple)


@pytest.mark.parametrize("options", [{}, {"ensure_ascii": False, "indent": 2}])
def test_json_of_the_data_is_byte_for_byte_what_the_dict_gave(options):
    reply = Reply("t", data=DATA)
    assert json.dumps(thawed(reply.data), **options) == json.dumps(DATA, **options)
