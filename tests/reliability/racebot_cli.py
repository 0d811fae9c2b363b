"""Run `racebot` as the operator would: a separate process, a timeout, its exit code and output.

A process that does not end within the timeout is killed and the test fails saying so: that is
how a start-up that hangs (a thread left open) shows up."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Finished:
    code: int
    out: str
    err: str


def environment(**extra: str) -> dict[str, str]:
    """The test's environment without the developer's tokens or store, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "RACEBOT_"))}
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **extra}


def racebot(*args: str, timeout: float = 30.0, env: dict[str, str] | None = None, stdin: str = "") -> Finished:
    try:
        done = subprocess.run([sys.executable, "-m", "racebot.cli", *args], input=stdin, capture_output=True,
                              text=True, timeout=timeout, env=env or environment(), cwd=ROOT)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"racebot {' '.join(args)} still running after {timeout} s: it hangs\n"
                             f"{exc.stderr or ''}") from None
    return Finished(done.returncode, done.stdout, done.stderr)


async def racebot_async(*args: str, timeout: float = 30.0, env: dict[str, str] | None = None) -> Finished:
    """As racebot(), while this process's event loop keeps serving a fake platform."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "racebot.cli", *args, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env or environment(), cwd=ROOT)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"racebot {' '.join(args)} still running after {timeout} s: it hangs") from None
    return Finished(proc.returncode, out.decode(), err.decode())
