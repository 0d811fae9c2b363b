"""`racebot run`: every configured adapter in one event loop, until SIGINT/SIGTERM or console EOF."""
from __future__ import annotations

import asyncio
import logging
import signal

from racebot.config import Config

log = logging.getLogger(__name__)


async def build_adapters(core, cfg: Config) -> list:
    """Chat adapters whose tokens are configured; SDKs are imported only for those."""
    adapters = []
    if cfg.env.get("DISCORD_TOKEN"):
        from adapters.discord.adapter import from_config as discord_from_config

        found = discord_from_config(core, cfg.section("discord"), cfg.env)
        adapters += [found] if found else []
    else:
        log.info("Discord not started: DISCORD_TOKEN is not set")
    if cfg.env.get("SLACK_BOT_TOKEN"):
        from adapters.slack.adapter import from_config as slack_from_config

        found = slack_from_config(core, cfg.section("slack"), cfg.env)
        adapters += [found] if found else []
    else:
        log.info("Slack not started: SLACK_BOT_TOKEN is not set")
    return adapters


async def run(cfg: Config) -> int:
    from adapters.console import ConsoleAdapter
    from racebot.app import open_core

    core = await open_core(cfg.db_path)
    chat = await build_adapters(core, cfg)
    console = ConsoleAdapter(core) if not chat or cfg.section("console").get("enabled", False) else None
    everything = chat + ([console] if console else [])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started = []
    try:
        for adapter in everything:
            await adapter.start()
            started.append(adapter)
            log.info("%s adapter started", adapter.name)
        waits = [asyncio.create_task(stop.wait())]
        if console:
            waits.append(asyncio.create_task(console.finished.wait()))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
    finally:
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping %s failed", adapter.name)
        await core.store.close()
    return 0
