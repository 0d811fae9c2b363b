"""What the install flow adds to every Slack request: authorising it with its workspace's token
from the store (a point read, then the token decrypted), beside two floors measured in the same
run, interleaved: single-workspace mode's authorize (the token known since start-up) and the same
store's cheapest point read (`get_meta`).

    python bench/slack_authorize.py [--workspaces 1000] [--calls 2000] [--runs 3] [--url postgresql://...]

Prints CPU and wall time per call, median of the runs and their spread. SQLite in a temporary
folder unless --url names a PostgreSQL server (a schema of its own, dropped afterwards).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet  # noqa: E402
from slack_bolt.authorization import AuthorizeResult  # noqa: E402

from adapters.slack.installs import StoredAuthorize, StoreInstallations  # noqa: E402
from adapters.slack.sealing import TokenSeal  # noqa: E402
from bot.store.installs import Install  # noqa: E402


async def _timed(calls: int, step) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(calls):
        await step(i)
    return (time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls


def _line(label: str, runs: list[tuple[float, float]]) -> str:
    cpu, wall = [r[0] * 1e6 for r in runs], [r[1] * 1e6 for r in runs]
    return (f"{label}: CPU {statistics.median(cpu):.1f} us (spread {max(cpu) - min(cpu):.1f}), "
            f"wall {statistics.median(wall):.1f} us (spread {max(wall) - min(wall):.1f}) per call")


async def _open(url: str | None):
    if url:
        from storage.postgres.store import PostgresStore

        schema = f"bench_authorize_{random.randrange(1 << 30)}"
        return await PostgresStore.open(url, schema=schema), schema
    from storage.sqlite import SqliteStore

    return await SqliteStore.open(Path(tempfile.mkdtemp()) / "racebot.db"), None


async def main(workspaces: int, calls: int, runs: int, url: str | None) -> None:
    store, schema = await _open(url)
    try:
        seal = TokenSeal(Fernet.generate_key().decode())
        now = datetime.now(timezone.utc)
        for n in range(workspaces):
            await store.save_install(Install("slack", "", f"T{n:06d}", seal.seal(f"xoxb-{n}-{'x' * 40}"),
                                             '{"bot_id": "B1", "bot_user_id": "U1", "bot_scopes": "commands"}', now))
        await store.set_meta("bench", "1")
        authorize = StoredAuthorize(StoreInstallations(store, seal))
        teams = [f"T{random.randrange(workspaces):06d}" for _ in range(calls)]
        known = AuthorizeResult(enterprise_id=None, team_id="T000000", bot_token="xoxb-0", bot_id="B1", bot_user_id="U1")

        async def installed(i: int) -> None:
            result = await authorize(context=None, enterprise_id=None, team_id=teams[i], user_id="U1")
            assert result is not None and result.bot_token

        async def one_workspace(i: int) -> None:  # adapters/slack/adapter.py's single-workspace authorize
            assert known.bot_token

        async def point_read(i: int) -> None:
            assert await store.get_meta("bench") == "1"

        results: dict[str, list[tuple[float, float]]] = {"installed": [], "one": [], "read": []}
        for _ in range(runs):  # interleaved: each run measures all three under the same load
            results["installed"].append(await _timed(calls, installed))
            results["one"].append(await _timed(calls, one_workspace))
            results["read"].append(await _timed(calls, point_read))
        where = "PostgreSQL" if url else "SQLite"
        print(f"{workspaces} installed workspaces on {where}, {calls} requests from random ones, {runs} runs")
        print(_line("install flow: authorize from the store (read + decrypt)", results["installed"]))
        print(_line("floor: single-workspace authorize (token known at start-up)", results["one"]))
        print(_line("floor: the store's point read (get_meta)", results["read"]))
        cpu = statistics.median(r[0] for r in results["installed"]) / statistics.median(r[0] for r in results["read"])
        print(f"ratio to the point-read floor (CPU, medians): {cpu:.1f}x")
    finally:
        if schema:
            await store.pool.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.workspaces, args.calls, args.runs, args.url))
