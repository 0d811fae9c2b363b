"""A one-shot question imports only what it uses (issue #15: instant start)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from racebot.config import ConfigError, load, parse

# Each costs a one-shot command a tenth of its start or more, and none is needed to answer /h2h
# from a store that is in place (bot/domain/event_codes.py, racebot/config.py, racebot/prebuilt.py).
NOT_FOR_ONE_QUESTION = ("athlib", "jsonschema", "dateutil", "pydantic", "rapidfuzz", "zstandard",
                        "importlib.resources", "racebot.sections", "racebot.sync", "bot.ingest.importer",
                        "storage.write_tx", "discord", "slack_bolt", "apscheduler", "httpx")


def test_the_one_shot_path_imports_none_of_the_heavy_modules():
    probe = ("import sys; import racebot.cli, racebot.app, adapters.console, bot.commands.h2h; "
             "from racebot.cli import _parser; _parser(one_shot_only=True); "
             "from bot.domain.disciplines import parse_discipline; parse_discipline('Kerr'); "
             f"print(sorted(set({NOT_FOR_ONE_QUESTION!r}) & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_without_a_config_file_the_sections_are_made_on_first_use(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no config file there
    cfg = load(None, str(tmp_path / "db"), env={})
    assert cfg._file is None and cfg.path is None
    assert cfg.file == parse({})  # made now, with the defaults
    with pytest.raises(ConfigError, match="RACEBOT_WA_ENDPOINT"):  # still checked at start, file or not
        load(None, str(tmp_path / "db"), env={"RACEBOT_WA_ENDPOINT": "ftp://x"})
