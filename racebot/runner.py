"""`racebot run`: every configured adapter and the announcement scheduler in one event loop,
until SIGINT/SIGTERM or console EOF."""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING, Literal

from bot.adapter import Adapter
from bot.announce.publishing import Publisher
from racebot.charts.client import ChartWorker
from racebot.config import Config
from racebot.metrics import Metrics

if TYPE_CHECKING:
    from racebot.ops_http import OpsServer

log = logging.getLogger(__name__)

# Waits between attempts to reach a platform that was unreachable at start-up: doubling, capped.
RETRY_FIRST, RETRY_MOST = 5.0, 300.0


async def build_adapters(core, cfg: Config) -> list[Adapter]:
    """Chat adapters whose tokens are configured; SDKs are imported only for those. The log
    says why a platform is not started, naming environment variables, never their values."""
    adapters: list[Adapter] = []
    discord = cfg.file.discord.settings(cfg.env)
    if discord is None:
        why = "disabled in config" if not cfg.file.discord.enabled else "DISCORD_TOKEN is not set"
        log.info("Discord not started: %s", why)
    else:
        from adapters.discord.adapter import DiscordAdapter

        adapters.append(DiscordAdapter(core, discord))
    slack = cfg.file.slack.settings(cfg.env)
    if cfg.env.get("SLACK_CLIENT_ID") and not slack.oauth:
        log.warning("SLACK_CLIENT_ID is set but not used: the install flow needs [slack] mode = \"http\"")
    missing = slack.missing_env()
    if missing:
        log.info("Slack not started: %s not set (mode %s)", ", ".join(missing), slack.mode)
    else:
        from adapters.slack.adapter import SlackAdapter

        adapters.append(SlackAdapter(core, slack))
    return adapters


class _DaemonThreads(concurrent.futures.ThreadPoolExecutor):
    """The loop's default executor for `racebot run`: one daemon thread per call.

    The console waits for a line in a thread (asyncio.to_thread); with the standard pool,
    asyncio.run would join that thread at exit, so SIGTERM could not end the process until
    someone pressed Enter. A daemon thread is left behind instead. (asyncio insists on a
    ThreadPoolExecutor; its pool is simply never used.)
    """

    def submit(self, fn, /, *args, **kwargs):
        future: concurrent.futures.Future = concurrent.futures.Future()

        def work() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:
                    future.set_exception(exc)

        threading.Thread(target=work, name="racebot-io", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        pass


async def run(cfg: Config) -> int:
    """0 after a clean stop; 2 with one line on stderr when start-up cannot go on (bad
    settings, an unusable store, a rejected token), having closed whatever it had opened."""
    from adapters.console import ConsoleAdapter
    from bot.errors import NotStarted, Unreachable
    from racebot.pipelines import build_announcements
    from racebot.app import open_core

    asyncio.get_running_loop().set_default_executor(_DaemonThreads())
    # A line per job run is noise; so is "skipped: maximum number of running instances reached",
    # which is max_instances=1 doing its job while a long delivery run is still sending.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    metrics = Metrics()
    ops = await _serve_ops(cfg, metrics)  # first: a probe hears "starting" while the indexes load
    if ops is False:
        return 2
    try:
        core = await open_core(cfg.store)
    except NotStarted as exc:
        print(f"racebot: {exc}", file=sys.stderr)
        if ops:
            await ops.stop()
        return 2
    core.on_command = metrics.command
    if ops:
        ops.core = core
    started: list[Adapter] = []
    retrying: list[asyncio.Task] = []
    refused: list[str] = []  # a token refused on a later attempt: the process then ends with 2
    announcements = None
    charts: ChartWorker | None = None
    charts_starting: asyncio.Task | None = None
    stop = asyncio.Event()
    try:
        try:
            chat = await build_adapters(core, cfg)
            if chat:  # pictures for the platforms that show them; the console shows none
                charts = core.charts = ChartWorker(wait_for_start=False)
                # Its start-up (matplotlib's import, in its own process) is off the bot's and every answer's.
                charts_starting = asyncio.create_task(charts.start(), name="racebot-chart-worker")
            console = ConsoleAdapter(core) if not chat or cfg.file.console.enabled else None
            everything = chat + ([console] if console else [])
            # Each adapter is the Publisher for its platform: announcements go out through it.
            publishers: dict[str, Publisher] = {a.platform: a for a in everything}
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            for adapter in everything:
                try:
                    await adapter.start()
                except Unreachable as exc:  # the network, not the settings: keep the rest running, retry
                    print(f"racebot: {exc}; trying again in {RETRY_FIRST:.0f} s"
                          + (" (the console works meanwhile)" if console else ""), file=sys.stderr, flush=True)
                    retrying.append(asyncio.create_task(
                        _keep_trying(adapter, started, refused, stop), name=f"retry-{adapter.name}"))
                    continue
                started.append(adapter)
                log.info("%s adapter started", adapter.name)
            announcements = await build_announcements(cfg, core, publishers, has_chat=bool(chat), metrics=metrics)
        except (NotStarted, ValueError) as exc:  # a config mistake or a refused token: say which, run nothing
            print(f"racebot: {exc}", file=sys.stderr)
            return 2
        follower = core.follow_changes()  # another process's imports show without a restart
        if announcements:
            announcements.start()
            if console and announcements.replay_label:
                console.write(f"racebot: replaying {announcements.replay_label} as if it were live (a replay, "
                              "not real-time results); announcements appear here. Type /help for commands.")
        waits = [asyncio.create_task(stop.wait())]
        if console:
            waits.append(asyncio.create_task(console.finished.wait()))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
        follower.cancel()
        if refused:
            print(f"racebot: {refused[0]}", file=sys.stderr)
            return 2
    finally:
        if ops:
            ops.stopping = True  # out of rotation before anything stops
        for task in retrying:
            task.cancel()
        await asyncio.gather(*retrying, return_exceptions=True)
        if announcements:
            await announcements.stop()
        for adapter in reversed(started):
            try:
                await adapter.stop()
            except Exception:
                log.exception("stopping %s failed", adapter.name)
        if charts is not None:
            if charts_starting is not None:
                charts_starting.cancel()
            await charts.close()
        await core.store.close()
        if ops:
            await ops.stop()
    return 0


async def _serve_ops(cfg: Config, metrics: Metrics) -> OpsServer | None | Literal[False]:
    """The health and metrics server when `[ops] http_port` is set; False when it cannot bind."""
    section = cfg.file.ops
    if section.http_port is None:
        return None
    from racebot.ops_http import OpsServer  # aiohttp's server: only when asked for

    ops = OpsServer(metrics, section.http_host, section.http_port)
    try:
        await ops.start()
    except OSError as exc:
        print(f"racebot: cannot serve [ops] http_port {section.http_port} on {section.http_host}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return False
    return ops


async def _keep_trying(adapter: Adapter, started: list[Adapter], refused: list[str], stop: asyncio.Event) -> None:
    """Start `adapter` again, waiting longer each time, until it is reached; a refusal (a bad
    token, found once the network is back) ends the process as it would have at start-up."""
    from bot.errors import NotStarted, Unreachable

    wait = RETRY_FIRST
    while True:
        await asyncio.sleep(wait)
        try:
            await adapter.start()
        except Unreachable as exc:
            wait = min(wait * 2, RETRY_MOST)
            log.warning("%s: %s; trying again in %.0f s", adapter.name, exc, wait)
            continue
        except NotStarted as exc:
            refused.append(str(exc))
            stop.set()
            return
        started.append(adapter)
        print(f"racebot: {adapter.name} connected", file=sys.stderr, flush=True)
        return
