"""`racebot run` with `[ops] http_port`: the running app answers /healthz (503 while it starts,
200 once ready, 503 while it stops) and /metrics on the real port, and counts its replayed
announcements. Slow: a whole racebot process, replaying the bundled meeting into its console."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from cores import copy_store

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[replay]
first_after_seconds = 0.2
interval_seconds = 0.3
poll_seconds = 0.2

[announcements]
delivery_seconds = 0.5

[ops]
http_port = 0
"""


async def get(http, port: int, path: str) -> tuple[int, str]:
    async with http.get(f"http://127.0.0.1:{port}{path}") as r:
        return r.status, await r.text()


@pytest.mark.slow
async def test_a_running_racebot_serves_health_and_metrics(tmp_path, bundled_db):
    copy_store(bundled_db, tmp_path / "racebot.db")
    (tmp_path / "config.toml").write_text(CONFIG)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "RACEBOT_"))}
    env.update(RACEBOT_DB=str(tmp_path / "racebot.db"), RACEBOT_CONFIG=str(tmp_path / "config.toml"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "racebot.cli", "-v", "run", cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        port = None
        while port is None:  # the port it took is in its log
            line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
            assert line, "racebot run ended before serving /healthz"
            if found := re.search(r"health and metrics on http://127\.0\.0\.1:(\d+)/healthz", line):
                port = int(found[1])
        drain = asyncio.create_task(proc.stderr.read())
        async with aiohttp.ClientSession() as http:
            statuses = []
            for _ in range(600):
                status, text = await get(http, port, "/healthz")
                statuses.append(status)
                if status == 200:
                    break
                assert text.startswith("not ready: starting")
                await asyncio.sleep(0.05)
            assert statuses[-1] == 200
            for _ in range(300):
                _, metrics = await get(http, port, "/metrics")
                sent = re.search(r'racebot_announcements_total\{outcome="sent"\} (\d+)', metrics)
                if sent and int(sent[1]) >= 2:
                    break
                await asyncio.sleep(0.1)
            assert sent and int(sent[1]) >= 2, metrics
            assert "racebot_announcements_pending 0.0" in metrics  # the real store's outbox: the replay has its own
            proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        await drain
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
