"""`[ops]` in the config file: its defaults and the mistakes it refuses, with the key's path."""
from __future__ import annotations

import pytest

from racebot.config import ConfigError, parse


def test_defaults_serve_nothing_and_keep_a_month():
    ops = parse({}).ops
    assert (ops.http_port, ops.http_host, ops.log_format, ops.prune_after_days) == (None, "127.0.0.1", "text", 30)


@pytest.mark.parametrize("table, message", [
    ({"http_port": 70000}, "ops.http_port: expected a number of at most 65535"),
    ({"http_port": "9108"}, "ops.http_port: expected a whole number"),
    ({"log_format": "xml"}, "ops.log_format: expected 'text' or 'json'"),
    ({"prune_after_days": 0}, "ops.prune_after_days: expected a number above 0"),
    ({"prune_days": 3}, "ops.prune_days: unknown key"),
])
def test_mistakes_name_the_key(table, message):
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        parse({"ops": table})
