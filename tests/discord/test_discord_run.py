"""`racebot run` in-process with a [discord] section pointed at the fake Discord: the same
entry point production uses, from config file to SIGTERM."""
from __future__ import annotations

import asyncio
import os
import signal

from fake_discord import GUILD_ID, TOKEN
from racebot.config import load
from racebot.runner import run


async def test_racebot_run_serves_discord_until_sigterm(fake, db_copy, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\ndev_guild = "{GUILD_ID}"\napi_base_url = "{fake.api_base_url}"\n'
                      f'gateway_url = "{fake.gateway_url}"\n', "utf-8")
    cfg = load(str(config), str(db_copy), env={"DISCORD_TOKEN": TOKEN})
    runner = asyncio.create_task(run(cfg))
    try:
        # The store is opened first: 3 s alone, but more than 20 s when the suite's session stores are
        # being built beside it on a loaded machine (a ceiling, not a timing check).
        await fake.wait_connected(timeout=90)
    except BaseException:
        runner.cancel()
        raise
    try:
        payload = fake.interaction("h2h", [{"name": "athlete_a", "type": 3, "value": "Kerr"},
                                           {"name": "athlete_b", "type": 3, "value": "Ingebrigtsen"}])
        await fake.dispatch("INTERACTION_CREATE", payload)
        got = await fake.wait_for(lambda r: r.path.startswith(f"/interactions/{payload['id']}/"))
        assert "1. 3:29.38" in got.body["data"]["embeds"][0]["description"]
    finally:
        # Connected means the runner has installed its signal handlers: SIGTERM asks it to stop.
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(runner, 10) == 0
    await fake.gateway.wait_closed()  # the adapter closed its gateway connection on the way out
