"""The benchmark scripts at a tiny scale, so they keep working; the figures come from full runs."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pg_server import pg_schema, pg_server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> str:
    out = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, **(env or {})})
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.slow  # five processes, each opening the bundled store: half a minute
def test_generate_import_and_measure_at_small_scale(tmp_path):
    csv = tmp_path / "s.csv"
    db = tmp_path / "s.db"
    assert "wrote 3000 results" in run("bench/generate.py", "--results", "3000", "--athletes", "400",
                                      "--seasons", "2", "--per-season", "10", "--out", str(csv))
    assert "3000 rows" in run("-m", "racebot.cli", "--db", str(db), "import", str(csv))
    h2h = run("bench/h2h.py", "--db", str(db), "--pairs", "30", "--never", "5", "--in-flight", "5", "--runs", "1")
    assert "whole core path: CPU p50" in h2h and "throughput" in h2h and "targets:" in h2h
    auto = run("bench/autocomplete.py", "--db", str(db), "--queries", "40", "--runs", "1")
    assert "autocomplete prefix" in auto and "autocomplete typo" in auto
    ingest = run("bench/ingest.py", "--csv", str(csv))
    assert "ratio to floor" in ingest
    startup = run("bench/startup.py", "--store", str(db), "--runs", "1")
    for row in ("build (every result)", "ready after open", "one-shot h2h", "floor: snapshot bytes"):
        assert row in startup, startup


@pytest.mark.slow  # a small file generated, then imported into PostgreSQL and copied beside it
def test_the_postgresql_ingest_bench_prints_the_import_beside_its_copy_floor(tmp_path, pg_server, pg_schema):
    csv = tmp_path / "s.csv"
    run("bench/generate.py", "--results", "3000", "--athletes", "400", "--seasons", "2", "--per-season", "10",
        "--out", str(csv))
    out = run("bench/pg_ingest.py", "--csv", str(csv), "--url", pg_server, "--runs", "1", "--prefix", pg_schema)
    assert "racebot import on PostgreSQL: 3000 rows" in out and "bare COPY floor: 3000 rows" in out
    assert "ratio to floor" in out


@pytest.mark.slow  # worker processes, each opening PostgreSQL: several seconds
def test_the_postgresql_fanout_bench_prints_each_process_count_beside_its_floor(pg_server, pg_schema):
    out = run("bench/pg_fanout.py", "--channels", "60", "--ceiling", "200", "--runs", "1", "--processes", "1", "2",
              "--url", pg_server, "--schema", pg_schema)
    assert "floor: " in out and "1 process(es): " in out and "2 process(es): " in out and "s CPU summed" in out


def test_fanout_through_a_loopback_platform_counts_duplicates_and_losses():
    out = run("bench/fanout.py", "--channels", "60", "--ceiling", "200")
    assert "duplicates 0, losses 0" in out


@pytest.mark.slow  # two more fan-outs, each its own process and platform
def test_fanout_before_after_compares_two_checkouts_run_by_run():
    out = run("bench/fanout_before_after.py", "--old", str(ROOT), "--runs", "1", "--", "--channels", "40",
              "--ceiling", "200")
    assert "run 1 old:" in out and "run 1 new:" in out and "| new |" in out and "floor: the ceiling" in out


@pytest.mark.slow  # four processes on the whole bundled store, 7 s of CPU; the first run itself is in the
# quick suite (tests/core/test_console.py: one-shot on a fresh store)
def test_first_run_bench_prints_the_first_and_second_runs_beside_their_floors():
    out = run("bench/first_run.py", "--runs", "1")
    for row in ("first run", "second run", "floor: imports", "floor: decompress"):
        assert row in out


@pytest.mark.slow  # a small store generated and imported, then three polls and three full builds
def test_incremental_bench_prints_the_update_beside_the_full_rebuild(tmp_path):
    csv, db = tmp_path / "s.csv", tmp_path / "s.db"
    run("bench/generate.py", "--results", "3000", "--athletes", "400", "--seasons", "2", "--per-season", "10",
        "--out", str(csv))
    run("-m", "racebot.cli", "--db", str(db), "import", str(csv))
    out = run("bench/incremental.py", "--db", str(db), "--runs", "1")
    for row in ("index update, one race of 10 (same day)", "(new day)", "full rebuild (Core.start)"):
        assert row in out


@pytest.mark.slow  # a small store, then `racebot run` through two polls and six fresh processes of sizes
def test_polls_rss_and_scaling_benches_print_their_tables(tmp_path):
    csv, db = tmp_path / "s.csv", tmp_path / "s.db"
    run("bench/generate.py", "--results", "3000", "--athletes", "400", "--seasons", "2", "--per-season", "10",
        "--out", str(csv))
    run("-m", "racebot.cli", "--db", str(db), "import", str(csv))
    rss = run("bench/polls_rss.py", "--db", str(db), "--polls", "2", "--runs", "1")
    assert "ready" in rss and "after 2 polls" in rss
    scaling = run("bench/scaling.py", "--db", str(db), "--runs", "1")
    assert "build CPU s" in scaling and "RSS after start MB" in scaling


@pytest.mark.slow  # one process unpacking the bundled store
def test_clicks_bench_prints_each_click_beside_the_command_typed():
    out = run("bench/clicks.py", "--calls", "2", "--runs", "1")
    assert out.count("  click: CPU") == 4 and out.count("floor: the command typed") == 4


@pytest.mark.slow  # the bundled store opened and a chart worker started: tens of seconds
def test_chart_bench_prints_its_figures(db_copy):
    out = run("bench/chart.py", "--db", str(db_copy), "--charts", "3", "--runs", "1", "--pairs", "0", "--gap", "0")
    assert "p99 wall ms: median" in out and "floor p50 CPU ms" in out and "worker RSS MB" in out
    assert "plotting libraries loaded here: none" in out


@pytest.mark.slow  # imports a bundled meeting into a fresh store
def test_the_follows_bench_prints_matching_beside_its_floor(tmp_path):
    out = run("bench/follows.py", "--follows", "2000", "--athletes", "500", "--runs", "1", "--db",
              str(tmp_path / "follows.db"))
    for row in ("matching per result: CPU", "floor per result:", "after 100 new follows", "map load", "target:"):
        assert row in out, out


@pytest.mark.slow  # a process importing slack_bolt and opening a store: a second or two
def test_the_slack_authorize_bench_prints_the_install_flow_beside_its_floors():
    out = run("bench/slack_authorize.py", "--workspaces", "5", "--calls", "20", "--runs", "1")
    assert "install flow: authorize from the store" in out and "floor: the store's point read" in out
    assert "ratio to the point-read floor" in out


@pytest.mark.slow  # a small store copied into PostgreSQL, then eight processes started on it
def test_the_postgresql_start_bench_prints_the_start_beside_a_build(results_only_db, tmp_path, pg_server, pg_schema):
    source = tmp_path / "s.db"
    source.write_bytes(results_only_db.read_bytes())
    url = f"{pg_server}?schema={pg_schema}"
    assert "match" in run("-m", "racebot.cli", "copy-store", str(source), url, env={"RACEBOT_CONFIG": ""})
    out = run("bench/pg_start.py", "--url", url, "--runs", "1")
    for row in ("start from the snapshot row", "floor: fetch the row's bytes", "build from the rows"):
        assert row in out, out
