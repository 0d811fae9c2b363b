"""Choosing the backend (issue 16): `[storage] url` or RACEBOT_DATABASE_URL opens PostgreSQL through
the composition root (`racebot import`, `racebot h2h`), no URL means SQLite; the URL's password is
never in the config file, a message or a reply."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))  # raw_archive: the shared data read raw

from pg_server import pg_schema, pg_server  # noqa: F401,E402 (fixtures)
from raw_archive import archive_race, csv_rows, csv_text  # noqa: E402
from racebot.bundled import BUNDLE_VERSION  # noqa: E402
from racebot.cli import main  # noqa: E402
from racebot.config import ConfigError, load  # noqa: E402
from storage.postgres.store import PostgresStore  # noqa: E402

SECRET = "hunter2-not-shown"


def test_a_url_chooses_postgresql_the_environment_beats_the_file_and_db_beats_both(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('[storage]\ndb_path = "/from/file.db"\nurl = "postgresql://racebot@db.example/racebot"\n')
    assert load(str(conf), None, env={}).store == "postgresql://racebot@db.example/racebot"
    env = {"RACEBOT_DATABASE_URL": f"postgresql://racebot:{SECRET}@other/racebot"}
    assert load(str(conf), None, env=env).store == env["RACEBOT_DATABASE_URL"]
    assert load(str(conf), "/from/flag.db", env=env).store == "/from/flag.db"  # --db: that SQLite file
    assert load(None, None, env={"RACEBOT_CONFIG": "", "RACEBOT_DB": "/x.db"}).store == "/x.db"  # no URL: SQLite


@pytest.mark.parametrize("text, words", [
    (f'[storage]\nurl = "postgresql://racebot:{SECRET}@db/racebot"\n', "must not hold a password"),
    ('[storage]\nurl = "mysql://db/racebot"\n', "expected a URL starting with postgresql://"),
])
def test_a_url_in_the_file_with_a_password_or_of_another_kind_is_refused_unrepeated(tmp_path, text, words):
    conf = tmp_path / "c.toml"
    conf.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load(str(conf), None, env={})
    assert words in str(caught.value) and "storage.url" in str(caught.value)
    assert SECRET not in str(caught.value) and "mysql" not in str(caught.value)


def test_an_environment_url_of_another_kind_is_refused_unrepeated(tmp_path):
    with pytest.raises(ConfigError, match="RACEBOT_DATABASE_URL: expected") as caught:
        load(None, None, env={"RACEBOT_DATABASE_URL": f"mysql://u:{SECRET}@db/x"})
    assert SECRET not in str(caught.value)


def test_an_unreachable_store_says_so_without_its_password(capsys, monkeypatch):
    monkeypatch.setenv("RACEBOT_DATABASE_URL", f"postgresql://racebot:{SECRET}@127.0.0.1:9/racebot")
    monkeypatch.setenv("RACEBOT_CONFIG", "")
    assert main(["h2h", "Kerr", "Ingebrigtsen"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the PostgreSQL store" in err and SECRET not in err and "racebot:***@" in err


def test_racebot_import_and_h2h_run_on_the_store_the_url_names(pg_server, pg_schema, tmp_path, capsys, monkeypatch,
                                                              caplog):
    async def marked() -> None:  # as a store holding this bundle: the test imports a small file instead
        store = await PostgresStore.open(pg_server, schema=pg_schema)
        await store.set_meta("bundle_version", BUNDLE_VERSION)
        await store.close()

    asyncio.run(marked())
    day, rows = archive_race("2022_36", "M", "1500m")
    path = tmp_path / "lausanne.csv"
    path.write_text(csv_text(csv_rows(day, "Athletissima", "Lausanne", "1500m", "M", rows)), encoding="utf-8")
    # trust authentication: the server never asks for the password, so it only has to stay unseen
    url = pg_server.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@") + f"?schema={pg_schema}"
    monkeypatch.setenv("RACEBOT_DATABASE_URL", url)
    monkeypatch.setenv("RACEBOT_CONFIG", "")
    monkeypatch.setenv("RACEBOT_DB", str(tmp_path / "unused.db"))
    assert main(["-v", "import", str(path)]) == 0
    assert main(["h2h", "Kerr", "Ingebrigtsen", "--json"]) == 0
    out = capsys.readouterr()
    answer = json.loads(out.out[out.out.index("{"):])
    assert answer["title"] == "Josh Kerr v Jakob Ingebrigtsen" and len(answer["meetings"]) == 1
    assert main(["outbox"]) == 0 and main(["subscriptions"]) == 0
    assert "Outbox: empty" in capsys.readouterr().out
    assert not (tmp_path / "unused.db").exists()  # the SQLite file was never opened
    assert SECRET not in out.out + out.err + caplog.text
