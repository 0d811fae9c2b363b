"""Issue #17, the console: a platform that cannot be reached at start-up is tried again with
backoff while the console answers; a bad token still ends the process; no third-party noise."""
from __future__ import annotations

import shutil
import socket

from racebot_cli import environment, racebot
from results_only import bundled_db  # noqa: F401 (a small store to start on)

TIMEOUT = 60.0


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once, as with no network."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_discord_is_retried_while_the_console_answers(tmp_path, bundled_db):  # noqa: F811
    db = tmp_path / "racebot.db"
    shutil.copyfile(bundled_db, db)
    port = closed_port()
    config = tmp_path / "config.toml"
    config.write_text(f'[console]\nenabled = true\n[discord]\napi_base_url = "http://127.0.0.1:{port}/api/v10"\n'
                      f'gateway_url = "ws://127.0.0.1:{port}/"\n', encoding="utf-8")
    done = racebot("run", "--config", str(config), "--db", str(db), timeout=TIMEOUT,
                   env=environment(DISCORD_TOKEN="x" * 59), stdin="/h2h Kerr Ingebrigtsen\n")
    assert done.code == 0, done  # the console's end (stdin closed) ends the run, retries and all
    assert "Kerr leads Ingebrigtsen" in done.out  # answered while Discord was out of reach
    lines = done.err.strip().splitlines()
    assert lines and lines[0].startswith("racebot: cannot reach Discord (") and "trying again in 5 s" in lines[0]
    assert "Traceback" not in done.err and "x" * 59 not in done.err + done.out
    assert "voice will NOT be supported" not in done.err


def test_options_are_read_after_the_subcommand_too(tmp_path, capsys):
    """`racebot run --config X`: the config after `run` is the one read (its error names it)."""
    from test_startup_errors import assert_one_line, in_process

    config = tmp_path / "after.toml"
    config.write_text('[slak]\nmode = "http"\n', encoding="utf-8")
    db = tmp_path / "racebot.db"
    assert_one_line(in_process(capsys, "run", "--config", str(config), "--db", str(db)), "after.toml", "[slak]")
    assert_one_line(in_process(capsys, "--config", str(config), "h2h", "Kerr", "Ingebrigtsen", "--db", str(db)),
                    "after.toml")
    assert not db.exists()
