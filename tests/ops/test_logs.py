"""Log lines (racebot.logs): JSON objects one per line under `[ops] log_format = "json"`, and no
secret in any line, whichever format, whichever path it took into the log."""
from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from racebot.logs import SECRET_ENV_NAMES, configure
from racebot.section_base import Section
from racebot.sections import ConfigFile

ROOT = Path(__file__).resolve().parents[2]
ENV = {"DISCORD_TOKEN": "MTIzNDU2Nzg5.discord-token", "SLACK_SIGNING_SECRET": "8f14e45fceea167a5a36dedd4bea2543",
       "PGPASSWORD": "pg-pass-word"}


def logged(log_format: str) -> str:
    out = io.StringIO()
    root = logging.getLogger()
    kept, level = list(root.handlers), root.level
    configure(logging.INFO, log_format, ENV, [logging.StreamHandler(out)])
    try:
        log = logging.getLogger("racebot.test")
        log.info("connecting with %s to %s", ENV["DISCORD_TOKEN"], "postgresql://bot:pg-pass-word@db:5432/racebot")
        log.warning("slack said no to xoxb-1234-5678-abcdefgh")
        try:
            raise PermissionError(f"signature {ENV['SLACK_SIGNING_SECRET']} refused")
        except PermissionError:
            log.exception("request refused")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in kept:
            root.addHandler(handler)
        root.setLevel(level)
    return out.getvalue()


def test_json_lines_carry_time_level_logger_message_and_exception_and_no_secret():
    text = logged("json")
    lines = [json.loads(line) for line in text.splitlines()]
    assert [sorted(line) for line in lines] == [["exception", "level", "logger", "message", "time"]] * 3
    assert [(line["level"], line["logger"]) for line in lines] == [
        ("INFO", "racebot.test"), ("WARNING", "racebot.test"), ("ERROR", "racebot.test")]
    assert lines[0]["message"] == "connecting with *** to postgresql://bot:***@db:5432/racebot"
    assert lines[0]["time"].endswith("+00:00") and lines[0]["exception"] is None
    assert lines[1]["message"] == "slack said no to ***"
    assert lines[2]["exception"].startswith("Traceback") and "PermissionError: signature *** refused" in lines[2]["exception"]
    assert not any(secret in text for secret in [*ENV.values(), "xoxb-1234"])


def test_text_lines_are_redacted_too():
    text = logged("text")
    assert len(text.splitlines()) > 3 and "signature *** refused" in text  # the traceback's lines too
    assert not any(secret in text for secret in [*ENV.values(), "xoxb-1234"])


def test_every_secret_the_config_names_is_redacted():
    """A section's secret (racebot.section_base.Section.secrets) added later is redacted too."""
    def secrets(model) -> set[str]:
        found = set(getattr(model, "secrets", {}).values())
        for field in model.model_fields.values():
            if isinstance(field.annotation, type) and issubclass(field.annotation, Section):
                found |= secrets(field.annotation)
        return found
    named = secrets(ConfigFile)
    assert named >= {"DISCORD_TOKEN", "SLACK_BOT_TOKEN", "RACEBOT_WA_API_KEY"}
    assert named <= set(SECRET_ENV_NAMES)


def test_racebot_logs_json_lines_when_the_config_says_so(tmp_path):
    (tmp_path / "config.toml").write_text('[ops]\nlog_format = "json"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "RACEBOT_"))}
    env.update(PYTHONPATH=str(ROOT), RACEBOT_CONFIG=str(tmp_path / "config.toml"), PGPASSWORD="pg-pass-word")
    done = subprocess.run([sys.executable, "-m", "racebot.cli", "-v", "migrate", str(tmp_path / "new.db")],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert lines and all(line["logger"] == "storage.sqlite" for line in lines)
    assert lines[-1]["message"].startswith(f"store {tmp_path / 'new.db'} migrated to schema ")
