"""Item 9 of issue #13: every start-up error ends `racebot` with one clear line and a non-zero
exit, whatever it had opened (before: `[discord] token = ...` gave a traceback and the process
never exited, an aiosqlite thread keeping it alive)."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from cores import copy_store
from racebot_cli import Finished, environment, racebot, racebot_async
from results_only import bundled_db  # noqa: F401 (a store to load before the token is refused: a small one)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "slack"))
from fake_slack import FakeSlack  # noqa: E402  (the Slack tests' fake, on loopback)

TIMEOUT = 20.0


def in_process(capsys, *args: str, env: dict[str, str] | None = None) -> Finished:
    """The CLI's entry in this process: quicker, for errors that open nothing (the subprocess
    tests below show that the process itself ends)."""
    import os

    from racebot.cli import main

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env or environment())
    try:
        code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    captured = capsys.readouterr()
    return Finished(code, captured.out, captured.err)


def assert_one_line(done, *words: str) -> None:
    lines = done.err.strip().splitlines()
    assert done.code != 0, done
    assert len(lines) == 1 and lines[0].startswith("racebot: "), done.err
    assert "Traceback" not in done.err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("toml, words", [
    ('[discord]\ntoken = "a-secret-in-the-file"\n', ("discord.token", "DISCORD_TOKEN")),
    ('[discord]\nshard_count = "lots"\n', ("discord.shard_count",)),
    ('[discord]\nsharding = 2\n', ("discord.sharding: unknown key",)),
    ('[slack]\nhttp_port = "eighty"\n', ("slack.http_port: expected a whole number",)),
    ('[slak]\nmode = "http"\n', ("unknown section [slak]",)),
    ('storage = "racebot.db"\n', ("storage: expected a table",)),
    ('[storage]\ndb_path = 42\n', ("storage.db_path",)),
    ("[discord\n", ("config.toml",)),
], ids=["token-in-file", "bad-type", "unknown-key", "slack-bad-type", "unknown-section", "not-a-table",
        "db-path-type", "not-toml"])
def test_bad_config_ends_with_one_line(tmp_path, capsys, toml, words):
    config = tmp_path / "config.toml"
    config.write_text(toml, encoding="utf-8")
    done = in_process(capsys, "--config", str(config), "--db", str(tmp_path / "racebot.db"), "run",
                      env=environment(DISCORD_TOKEN="x" * 40))
    assert_one_line(done, *words)
    assert "a-secret-in-the-file" not in done.err and "x" * 40 not in done.err
    assert not (tmp_path / "racebot.db").exists()  # refused before anything was opened


def test_token_in_the_config_file_ends_the_process(tmp_path):
    """The reported case, as a process: it used to print a traceback and never exit."""
    config = tmp_path / "config.toml"
    config.write_text('[discord]\ntoken = "a-secret-in-the-file"\n', encoding="utf-8")
    done = racebot("--config", str(config), "--db", str(tmp_path / "racebot.db"), "run", timeout=TIMEOUT,
                   env=environment(DISCORD_TOKEN="x" * 40))
    assert_one_line(done, "discord.token: must not be in the config file; set DISCORD_TOKEN instead")


def test_unreadable_config_file(tmp_path, capsys):
    folder = tmp_path / "config.toml"
    folder.mkdir()  # unreadable as a file, even by root
    assert_one_line(in_process(capsys, "--config", str(folder), "--db", str(tmp_path / "r.db"), "run"),
                    "cannot read the config file")


def test_store_path_that_cannot_be_made(tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    done = in_process(capsys, "--db", str(tmp_path / "a-file" / "racebot.db"), "run")
    assert_one_line(done, "cannot create the folder of the store")


def test_store_that_is_not_a_database(tmp_path, capsys):
    db = tmp_path / "racebot.db"
    db.write_bytes(b"this is a text file, not SQLite " * 64)
    for command in (["run"], ["h2h", "Kerr", "Ingebrigtsen"], ["import", str(tmp_path)]):
        assert_one_line(in_process(capsys, "--db", str(db), *command), "racebot.db")
    assert db.read_bytes().startswith(b"this is a text file")


def test_store_written_by_a_newer_racebot(tmp_path, capsys):
    db = tmp_path / "racebot.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    for command in (["import", str(tmp_path)], ["console"], ["h2h", "Kerr", "Ingebrigtsen"]):
        assert_one_line(in_process(capsys, "--db", str(db), *command), "newer racebot", "999")
    # As a process too: the store was open when the error came, and it must not keep it alive.
    assert_one_line(racebot("--db", str(db), "run", timeout=TIMEOUT), "newer racebot", "999")


async def test_rejected_token_ends_start_up(tmp_path, bundled_db):
    """Slack answers auth.test with invalid_auth: one line, exit 2, the token never shown, and the
    store (opened and loaded by then) closed so the process ends."""
    db = tmp_path / "racebot.db"
    copy_store(bundled_db, db)
    fake = FakeSlack()
    await fake.start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(f'[slack]\nmode = "socket"\napi_base_url = "{fake.api_base_url}"\n', encoding="utf-8")
        done = await racebot_async("--config", str(config), "--db", str(db), "run", timeout=TIMEOUT,
                                   env=environment(SLACK_BOT_TOKEN="xoxb-wrong-secret", SLACK_APP_TOKEN="xapp-1"))
    finally:
        await fake.stop()
    assert_one_line(done, "Slack rejected SLACK_BOT_TOKEN", "invalid_auth")
    assert "xoxb-wrong-secret" not in done.err
