"""Fan-out on PostgreSQL with 1, 2 and 3 delivering processes: one final to N channels, delivered
by K worker processes sharing one schema, through the real Deliverer and Slack publisher, into the
rate-limited loopback platform (bench/fake_platform.py, its own process). Each worker takes
1/K of the platform's rate (`share`), as `racebot run` processes do. Three ways to split the
channels: each worker its shard's (Discord's way, the default), every worker any channel
(`--shared --unsliced`: Slack's way before slices), or each worker its slice of the channels
(`--shared`: Slack's way with `[announcements] slice = "k/K"`, bot.announce.slices).

The floor, measured in the same run and interleaved with the K's: a bare aiohttp client posting
the same N messages to the same platform at the same rate: what the platform allows, with no
store and no racebot. CPU is the workers' own (user + system, summed); wall is from the workers'
start signal (all ready) to the last one done. 3 runs; median and spread (min-max).

    python bench/pg_fanout.py --channels 3000 --ceiling 1000 --url postgresql://postgres@127.0.0.1/test
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fanout import OneRace  # noqa: E402
from bot.announce.shards import SNOWFLAKE_SHIFT  # noqa: E402
from bot.announce.publishing import ChannelRef  # noqa: E402
from bot.announce.subscriptions import Subscription  # noqa: E402

HERE = Path(__file__).resolve().parent
HEADROOM = 0.9  # the workers' configured rate, of the platform's ceiling


def platform(ceiling: float) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, str(HERE / "fake_platform.py"), "--global-per-second", str(ceiling),
                               "--channel-per-5s", "5"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return server, f"http://127.0.0.1:{int(server.stdout.readline().split()[1])}"


async def prepare(url: str, schema: str, channels: int, prefix: str) -> None:
    """A fresh schema: N subscriptions (one through the store, the rest in one statement) and one
    race's announcements queued through the real poll path."""
    import asyncpg

    from bot.announce.poller import Poller
    from storage.outbox import convert as oc
    from storage.postgres.store import PostgresStore

    conn = await asyncpg.connect(url)
    await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await conn.close()
    store = await PostgresStore.open(url, schema=schema)
    try:
        now = datetime.now(timezone.utc)
        # Workspaces numbered as Discord's guild snowflakes are, so that K shards split them evenly.
        await store.add_subscription(Subscription(ChannelRef("slack", workspace(0), f"{prefix}000000"), created_at=now))
        await store.pool.execute(
            "INSERT INTO subscriptions (platform, workspace, channel, created_at) "
            "SELECT 'slack', w, c, $3 FROM unnest($1::text[], $2::text[]) AS n(w, c)",
            [workspace(i) for i in range(1, channels)], [f"{prefix}{i:06d}" for i in range(1, channels)], oc.ts(now))
        poller = Poller(OneRace(), store)
        await poller.poll_once(now)
        assert (await poller.poll_once(now)).announcements == channels
    finally:
        await store.close()


def workspace(i: int) -> str:
    return str((i % 600) << SNOWFLAKE_SHIFT)


async def drop(url: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await conn.close()


async def worker(url: str, schema: str, api: str, rate: float, shard: int, count: int, mode: str) -> None:
    """One delivering process: ready, then on `go` deliver until nothing is pending; prints its CPU."""
    import aiohttp

    from adapters.slack.outbound import Outbound, web_client
    from adapters.slack.publisher import SlackPublisher
    from bot.announce.delivery import Deliverer, DeliverySettings
    from bot.announce.jobs import utc_now
    from bot.announce.message import Announcer
    from bot.announce.ratelimit import RateLimits
    from bot.announce.shards import Shards
    from bot.announce.slices import Slice
    from storage.postgres.store import PostgresStore

    store = await PostgresStore.open(url, schema=schema)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as session:
        publisher = SlackPublisher(Outbound(web_client(session, f"{api}/api/", "xoxb-bench"), session),
                                   remember=100_000)
        limits = RateLimits({"slack": {"per_second": rate, "burst": max(1, rate / 10), "share": 1 / count,
                                       "channel_per_second": 1, "channel_burst": 5}})
        shards = Shards("slack", (shard,), count) if mode == "sharded" else None  # as [discord] shard_ids does
        part = Slice(shard, count) if mode == "sliced" else None  # as [announcements] slice = "k/n" does
        deliverer = Deliverer(store, Announcer(store).render, {"slack": publisher}, limits,
                              DeliverySettings(concurrency=64, budget_seconds=5, lease_seconds=30, shards=shards,
                                               slice=part),
                              clock=utc_now)
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        cpu = _cpu()
        delivered = 0
        while await _pending(store, shards, part):
            stats = await deliverer.run()
            delivered += stats.delivered
            if stats.next_wait:
                await asyncio.sleep(min(stats.next_wait, 0.2))
        print(json.dumps({"delivered": delivered, "cpu": _cpu() - cpu}), flush=True)
    await store.close()


async def _pending(store, shards, part) -> bool:
    from datetime import timedelta

    far = datetime.now(timezone.utc) + timedelta(days=1)  # due or not, leased or not: any left of ours
    return bool(await store.due_rows(far, 1, 1, ["slack"], shards=shards, slice=part))


async def bare(api: str, channels: int, rate: float, prefix: str) -> tuple[float, float]:
    """The floor: N posts at `rate` from one plain client, no store, no racebot."""
    import aiohttp

    cpu, started = _cpu(), time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
        gate = asyncio.Semaphore(64)

        async def post(i: int) -> None:
            async with gate:
                while True:
                    async with session.post(f"{api}/api/chat.postMessage", json={"channel": f"{prefix}{i:06d}", "text": "x"},
                                            headers={"Authorization": "Bearer xoxb-bench"}) as resp:
                        if resp.status != 429:
                            return
                    await asyncio.sleep(float(resp.headers.get("Retry-After", "1")))

        tasks = []
        for i in range(channels):  # paced like a limiter at `rate`
            tasks.append(asyncio.ensure_future(post(i)))
            await asyncio.sleep(10 / rate) if i % 10 == 9 else None
        await asyncio.gather(*tasks)
    return time.perf_counter() - started, _cpu() - cpu


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def fan_out(url: str, schema: str, api: str, processes: int, rate: float, mode: str) -> tuple[float, float, int]:
    """K workers over one prepared schema: (wall from go to the last done, their CPU summed, delivered)."""
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", url, schema, api, str(rate), str(i),
                               str(processes), mode],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for i in range(processes)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    done = [json.loads(p.stdout.readline()) for p in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.wait(timeout=30)
    return wall, sum(d["cpu"] for d in done), sum(d["delivered"] for d in done)


def seen(api: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(f"{api}/stats") as resp:
        return json.loads(resp.read())


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--channels", type=int, default=3000)
    p.add_argument("--ceiling", type=float, default=1000.0, help="the platform's requests per second")
    p.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--url", default=os.environ.get("RACEBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    p.add_argument("--schema", default=f"bench_fanout_{os.getpid()}")
    p.add_argument("--shared", action="store_true",
                   help="every worker takes any channel (Slack's way: a share of the rate, no shards); "
                        "default: each worker its shard's channels, as Discord processes do")
    p.add_argument("--unsliced", action="store_true",
                   help="with --shared: no slices, every worker reads the same oldest rows and competes for them")
    p.add_argument("--worker", nargs=7, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.worker:
        url, schema, api, rate, shard, count, mode = a.worker
        asyncio.run(worker(url, schema, api, float(rate), int(shard), int(count), mode))
        return
    rate = a.ceiling * HEADROOM
    mode = "sharded" if not a.shared else "shared" if a.unsliced else "sliced"
    how = {"sharded": "each its shard", "shared": "any channel each", "sliced": "each its slice"}[mode]
    print(f"{a.channels} channels, platform ceiling {a.ceiling:g} requests/s, workers configured for {rate:g}/s "
          f"shared, {how}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    server, api = platform(a.ceiling)
    figures: dict[str, list[tuple[float, float]]] = {}
    try:
        for run in range(1, a.runs + 1):
            wall, cpu = asyncio.run(bare(api, a.channels, rate, f"R{run}F-"))
            figures.setdefault("floor", []).append((wall, cpu))
            print(f"run {run}: floor (bare client, no store) {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
            for k in a.processes:
                asyncio.run(prepare(a.url, a.schema, a.channels, f"R{run}K{k}-"))  # channels new to the platform
                before = seen(api)
                wall, cpu, delivered = fan_out(a.url, a.schema, api, k, rate, mode)
                after = seen(api)
                assert delivered == a.channels, f"{delivered} of {a.channels} delivered"
                # As the platform counts: every channel once, none twice.
                assert after["channels"] - before["channels"] == a.channels, (before, after)
                assert after["duplicates"] == before["duplicates"] == 0, after
                figures.setdefault(f"{k}", []).append((wall, cpu))
                print(f"run {run}: {k} process(es) {wall:.2f} s wall = {a.channels / wall:.0f} msg/s, "
                      f"{cpu:.2f} s CPU summed = {cpu / a.channels * 1000:.2f} ms per message", flush=True)
    finally:
        asyncio.run(drop(a.url, a.schema))
        server.stdin.close()
        server.wait(timeout=10)
    floor = statistics.median(w for w, _ in figures["floor"])
    print(f"\nmedian (min-max) over {a.runs} runs, {a.channels} messages:")
    print(f"  floor: {spread([w for w, _ in figures['floor']])} s wall = {a.channels / floor:.0f} msg/s, "
          f"{spread([c for _, c in figures['floor']])} s CPU")
    for k in a.processes:
        walls, cpus = [w for w, _ in figures[f"{k}"]], [c for _, c in figures[f"{k}"]]
        print(f"  {k} process(es): {spread(walls)} s wall = {a.channels / statistics.median(walls):.0f} msg/s "
              f"({statistics.median(walls) / floor:.2f}x the floor's time), {spread(cpus)} s CPU summed")


if __name__ == "__main__":
    main()
