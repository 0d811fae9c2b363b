"""The bad-import corpus of issue #13: every file is refused whole, through `racebot import`, with
the file, the line and the reason, and the store is exactly as it was (every table hashed)."""
from __future__ import annotations

import pytest
from bad_import_corpus import CORPUS, Bad
from results_only import db_copy  # noqa: F401 (a refusal is the point, not what the store holds)
from store_state import checksum

from racebot.cli import main


# A few of every kind run with the quick suite; the whole corpus (a store opened and hashed twice
# a file) with the slow runs.
QUICK = {"bad-date.csv", "unterminated-quote.csv", "invalid-utf8.csv", "unknown-column.csv",
         "json-deeply-nested.json", "2024_corrupt-archive.json"}


def cases() -> list:
    return [pytest.param(bad, id=bad.name, marks=[] if bad.name in QUICK else [pytest.mark.slow]) for bad in CORPUS]


def test_the_corpus_has_forty_distinct_files():
    assert len(CORPUS) >= 40 and len({b.name for b in CORPUS}) == len(CORPUS)
    assert len({b.content for b in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("bad", cases())
def test_bad_file_is_refused_and_changes_nothing(bad: Bad, db_copy, tmp_path, capsys):
    path = tmp_path / bad.name
    path.write_bytes(bad.content)
    before = checksum(db_copy)
    code = main(["--db", str(db_copy), "import", str(path)])
    err = capsys.readouterr().err
    assert checksum(db_copy) == before
    assert code != 0, f"{bad.name} was accepted"
    [line] = err.strip().splitlines()
    assert line.startswith(f"racebot import: {path}"), line
    assert "Nothing from this file was kept" in line and "Traceback" not in err
    if bad.line:
        assert f"line {bad.line}:" in line, line
    for word in bad.words:
        assert word.lower() in line.lower(), line
