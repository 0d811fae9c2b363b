"""The rig for several `racebot run` processes on one PostgreSQL store (issue 16): a schema with
subscriptions and one race's announcements queued through the real poll path, a config file per
process pointing at it and at the loopback fakes, and the processes themselves, started and
killed as an operator (or a crash) would.

The store is marked as holding the bundled data, so a process starts in seconds on an empty
store instead of importing the archive: what is tested here is delivery, not the bundle.
"""
from __future__ import annotations

import asyncio
import importlib.util
import signal
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from racebot_cli import ROOT, environment

from bot.announce.publishing import ChannelRef
from bot.announce.subscriptions import Subscription
from racebot.bundled import BUNDLE_VERSION
from storage.outbox import convert as oc
from storage.postgres.store import PostgresStore

TESTS = Path(__file__).resolve().parents[1]


def fake_world_athletics():
    """tests/sources' fake World Athletics server class (its conftest is not importable by name)."""
    spec = importlib.util.spec_from_file_location("wa_fake", TESTS / "sources" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module.FakeWA


async def prepared_store(url: str, schema: str, channels: list[ChannelRef],
                         now: datetime) -> list[tuple[ChannelRef, str]]:
    """Subscriptions for `channels` and one race announced to each; returns each channel's outbox key."""
    store = await PostgresStore.open(url, schema=schema)
    try:
        await store.set_meta("bundle_version", BUNDLE_VERSION)
        # In one statement: 10,000 add_subscription calls take 40 s on a busy machine, and what is
        # tested here is delivery. One subscription through the store's own path, for its shape.
        first, *rest = channels
        await store.add_subscription(Subscription(first, created_at=now))
        await store.pool.execute(
            "INSERT INTO subscriptions (platform, workspace, channel, created_at) "
            "SELECT p, w, c, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS n(p, w, c)",
            [c.platform for c in rest], [c.workspace for c in rest], [c.channel for c in rest], oc.ts(now))
        return await _queue(store, now, len(channels))
    finally:
        await store.close()


async def _queue(store, now: datetime, n: int) -> list[tuple[ChannelRef, str]]:
    from bot.announce.poller import Poller
    from sched_fakes import MEN_1500, ListSource, race_rows

    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(now)  # the baseline
    source.add(race_rows("1500m", "M", MEN_1500, competition="Scale-out Meeting"))
    assert (await poller.poll_once(now)).announcements == n
    rows = await store.pool.fetch("SELECT s.platform, s.workspace, s.channel, o.subscription_id, o.race_id, "
                                  "o.revision FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id")
    return [(ChannelRef(p, w, c), f"racebot:{s}:{r}:{v}") for p, w, c, s, r, v in rows]


def toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return repr(value)


def write_config(path: Path, tables: dict[str, dict]) -> Path:
    lines = []
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {toml(value)}" for key, value in table.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class Bot:
    """One `racebot run` process, its output in files (a pipe nobody reads would stall it)."""

    name: str
    config: Path
    env: dict[str, str]
    folder: Path
    proc: asyncio.subprocess.Process | None = None
    runs: int = 0
    pids: list[int] = field(default_factory=list)

    async def start(self) -> None:
        self.runs += 1
        out = open(self.folder / f"{self.name}-{self.runs}.log", "wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "racebot.cli", "-v", "--config", str(self.config), "run",
            stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out, env=self.env, cwd=ROOT)
        out.close()
        self.pids.append(self.proc.pid)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, as a rolling restart does; killed if it will not end."""
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(f"{self.name} did not stop within {timeout} s of SIGTERM") from None

    def log(self) -> str:
        return "\n".join((self.folder / f"{self.name}-{i}.log").read_text("utf-8", "replace")[-3000:]
                         for i in range(1, self.runs + 1))


def bot_env(**extra: str) -> dict[str, str]:
    env = environment(**extra)
    return env
