"""The console adapter and one-shot CLI, end to end in a subprocess, as a newcomer runs them."""
import json
import os
import subprocess
import sys

from results_only import db_copy, whole_copy  # noqa: F401 (the whole store where its data is asked for)


def racebot(args, db, stdin=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "RACEBOT_"))}
    env["RACEBOT_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "racebot.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_console_session_end_to_end(whole_copy):
    typed = "/h2h Kerr Ingebrigtsen\n/results oslo 2024 1500m men\n/frobnicate\n/h2h \"Kerr\n/quit\n"
    out = racebot(["console"], whole_copy, typed)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Josh Kerr v Jakob Ingebrigtsen" in text
    assert "3:29.38" in text and "3:45.34" in text and "3:45.60" in text
    assert "Photo finish: Jakob Ingebrigtsen and Timothy Cheruiyot were 0.03 s apart" in text
    assert "I don't know the command /frobnicate" in text
    assert "quote is not closed" in text
    assert "Traceback" not in text + out.stderr


def test_one_shot_json_and_first_run_builds_the_store(tmp_path):
    out = racebot(["h2h", "Kerr", "Ingebrigtsen", "--json"], tmp_path / "fresh" / "racebot.db")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["a"]["name"] == "Josh Kerr" and data["b"]["name"] == "Jakob Ingebrigtsen"
    assert data["wins"] == {"a": 2, "b": 1}
    assert {"date", "competition", "event", "round", "a", "b"} <= set(data["meetings"][0])


def test_one_shot_error_exits_non_zero_with_a_message(db_copy):
    out = racebot(["athlete", "zzqqxx"], db_copy)
    assert out.returncode == 1
    assert "can't find an athlete" in out.stderr and "Traceback" not in out.stderr


def test_import_command_reports_file_and_line(db_copy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,competition,event,gender,athlete,mark\n2024-01-01,X,1500m,M,A B,3:30.00\n"
                   "2024-01-01,X,1500m,M,C D,0:40\n")
    out = racebot(["import", str(bad)], db_copy)
    assert out.returncode == 1
    assert f"{bad}, line 3" in out.stderr and "Nothing from this file was kept" in out.stderr
    good = tmp_path / "good.csv"
    good.write_text("date,competition,event,gender,athlete,mark,place\n2024-01-01,X,1500m,M,A B,3:30.00,1\n"
                    "2024-01-01,X,1500m,M,C D,3:31.00,2\n")
    assert racebot(["import", str(good)], db_copy).returncode == 0
    h2h = racebot(["h2h", "A B", "C D", "--json"], db_copy)
    assert json.loads(h2h.stdout)["wins"] == {"a": 1, "b": 0}


def test_terminal_escape_sequences_from_data_are_removed():
    from adapters.console import render
    from bot.replies import Paragraph, Reply

    shown = render(Reply("x\x1b[31m", [Paragraph.of("evil \x1b]0;pwned\x07 name")]))
    assert "\x1b" not in shown and "\x07" not in shown
