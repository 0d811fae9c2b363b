"""End to end: `racebot run` with no tokens replays the bundled meeting into the console, in
its own store, and stops cleanly on SIGTERM or when stdin closes."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from cores import copy_store
from results_only import bundled_db  # noqa: F401 (the replay is the point: a store an eighth the size starts sooner)
from storage.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[replay]
first_after_seconds = 0.2
interval_seconds = 0.3
poll_seconds = 0.2

[announcements]
delivery_seconds = 0.5
"""


async def start(tmp_path: Path, bundled_db: Path) -> asyncio.subprocess.Process:
    db = tmp_path / "racebot.db"
    if not db.exists():
        copy_store(bundled_db, db)  # skip the 2 s first-run load: the replay store is built for real
    (tmp_path / "config.toml").write_text(CONFIG)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "RACEBOT_"))}
    env.update(RACEBOT_DB=str(db), RACEBOT_CONFIG=str(tmp_path / "config.toml"))
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "racebot.cli", "run", cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def read_until_titles(proc, count: int, seconds: float = 40.0) -> list[str]:
    lines: list[str] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while sum(1 for line in lines if line.endswith("· Athletissima 2022")) < count:
        line = await asyncio.wait_for(proc.stdout.readline(), max(deadline - loop.time(), 0.01))
        assert line, "racebot run ended early: " + (await proc.stderr.read()).decode()
        lines.append(line.decode().rstrip("\n"))
    return lines


async def test_racebot_run_shows_replayed_announcements_then_exits_cleanly(tmp_path, bundled_db):
    proc = await start(tmp_path, bundled_db)
    try:
        lines = await read_until_titles(proc, 3)
    finally:
        proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 20) == 0
    assert lines[0].startswith("racebot: replaying Athletissima 2022 as if it were live")
    titles = [line for line in lines if line.endswith("· Athletissima 2022")]
    assert titles[0] == "Men's High Jump · Athletissima 2022"  # Diamond League field events open the replay
    assert any("Replay of Athletissima 2022, not live" in line for line in lines)

    real = await SqliteStore.open(tmp_path / "racebot.db")
    replay = await SqliteStore.open(tmp_path / "racebot-replay.db")
    try:
        assert await real.subscriptions() == [] and await real.outbox_counts() == {}  # the real data untouched
        assert (await replay.outbox_counts()).get("delivered", 0) >= 3
    finally:
        await real.close()
        await replay.close()

    again = await start(tmp_path, bundled_db)  # a second run replays afresh, from the cached history
    await read_until_titles(again, 1)
    again.stdin.close()  # console EOF ends the run
    assert await asyncio.wait_for(again.wait(), 20) == 0
