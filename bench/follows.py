"""Matching follows to a meeting's results (issue 18): 100,000 follows over 10,000 athletes, one
Diamond League meeting (Athletissima 2022, as `racebot run` replays it) stored race by race.

    python bench/follows.py [--runs 3] [--follows 100000] [--athletes 10000] [--db bench/out/follows.db]

A fresh SQLite store in bench/out/follows.db gets the meeting's results (the real importer) and
the follows (written in bulk: 5 per user, athletes drawn uniformly from the meeting's athletes and
synthetic others up to --athletes). Then, for every race of the meeting, inside a write
transaction as a poll has it, bot.announce.diff.follow_rows is timed: the indexed read of the
race's athletes' followers, the matching (event filter, rivalries) and the digest windows' read;
the outbox rows it returns are not written. Beside it, interleaved race by race, the floor: the
same call for the same race with every athlete id shifted out of range, so the same statements
run and find no follower (the cost of asking at all). CPU time (process_time: this process, the
store's writer thread included) and wall time per result, median and spread of the runs.
Target: <= 50 us of CPU per result.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.announce.diff import DIGEST_WINDOW, follow_rows  # noqa: E402
from bot.announce.follows import Follow, FollowerMap  # noqa: E402
from bot.announce.publishing import ChannelRef  # noqa: E402
from bot.announce.outbox import RaceFacts, Version  # noqa: E402
from bot.ingest.dl_archive import read_meeting  # noqa: E402
from bot.ingest.importer import import_rows  # noqa: E402
from racebot.bundled import ARCHIVE_SOURCE, archive_meeting, archive_stems, meetings_info  # noqa: E402
from racebot.replay_store import resolve_meeting  # noqa: E402
from racebot.sections import DEFAULT_MEETING  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402

MEETING = DEFAULT_MEETING  # what `racebot run` replays: Athletissima 2022
TARGET_US = 50.0
PER_USER = 5
OUT_OF_RANGE = 10**12  # shifted ids: nobody follows them


async def build(path: Path, n_follows: int, n_athletes: int, rng: random.Random) -> tuple[SqliteStore, list[int]]:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = await SqliteStore.open(path)
    stem = resolve_meeting(MEETING, archive_stems(), meetings_info())
    rows = read_meeting(stem, archive_meeting(stem), meetings_info(), ARCHIVE_SOURCE)
    await import_rows(store, rows, "bench meeting", strict=False)
    await store.close()
    with sqlite3.connect(path) as c:
        races = [r for (r,) in c.execute("SELECT id FROM races ORDER BY id")]
        meeting = [a for (a,) in c.execute("SELECT DISTINCT athlete_id FROM results")]
        top = c.execute("SELECT max(id) FROM athletes").fetchone()[0]
        athletes = meeting + list(range(top + 1, top + 1 + max(n_athletes - len(meeting), 0)))
        users = n_follows // PER_USER
        now = "2022-08-26T00:00:00.000000+00:00"
        c.executemany("INSERT INTO subscriptions (id, platform, workspace, channel, created_at, baseline_at) "
                      "VALUES (?, 'discord', '', ?, ?, ?)", [(u, f"user:{u}", now, now) for u in range(1, users + 1)])
        c.executemany("INSERT INTO follows (subscription_id, platform, workspace, user_id, athlete_id, created_at) "
                      "VALUES (?, 'discord', '', ?, ?, ?)",
                      [(u, str(u), a, now) for u in range(1, users + 1) for a in rng.sample(athletes, PER_USER)])
    return await SqliteStore.open(path), races


def shifted(f: RaceFacts) -> RaceFacts:
    return replace(f, entries=tuple(replace(e, athlete_id=e.athlete_id + OUT_OF_RANGE) for e in f.entries))


async def timed(tx, facts: RaceFacts, now: datetime, followers: FollowerMap) -> tuple[float, float, list]:
    cpu, wall = time.process_time(), time.perf_counter()
    rows = await follow_rows(tx.outbox, [(facts, Version(1, facts.entries))], now, DIGEST_WINDOW, followers)
    return time.process_time() - cpu, time.perf_counter() - wall, rows


async def changed_then_race(store: SqliteStore, races: list[int], now: datetime, n: int,
                            rng: random.Random) -> tuple[float, float]:
    """CPU and wall of the first race after `n` follows were added through the store (as /follow
    adds them): the map reads only those follows again."""
    followers = FollowerMap()
    followers.load(*await store.follower_snapshot())
    async with store.write() as tx:
        facts = [f for f in await tx.outbox.race_facts(races[:1]) if f.entries][0]
    gc.collect()
    for i in range(n):
        user = ChannelRef.for_user("discord", "", f"new{rng.randrange(10**9)}")
        await store.add_follow(Follow(user, rng.choice([e.athlete_id for e in facts.entries]), created_at=now), 50)
    async with store.write() as tx:
        cpu, wall, _ = await timed(tx, facts, now, followers)
    return cpu, wall


async def one_run(store: SqliteStore, races: list[int], now: datetime) -> dict[str, float]:
    """Per result: CPU and wall of the matching and of the floor, over the whole meeting; and the
    map's load (a poller's first poll, and the first after any follow changed)."""
    totals = {"cpu": 0.0, "wall": 0.0, "floor_cpu": 0.0, "floor_wall": 0.0}
    results = alerts = 0
    followers = FollowerMap()
    cpu, wall = time.process_time(), time.perf_counter()
    followers.load(*await store.follower_snapshot())  # as the poller does, before the write lock
    gc.collect()  # the first full pass over the new map is the load's cost: it would fall on the next races
    totals["load_cpu"], totals["load_wall"] = time.process_time() - cpu, time.perf_counter() - wall
    async with store.write() as tx:
        facts = [f for f in await tx.outbox.race_facts(races) if f.entries]
        for i, f in enumerate(facts):
            pair = [("", f), ("floor_", shifted(f))]
            for prefix, x in (pair if i % 2 else pair[::-1]):  # interleaved, alternating which goes first
                cpu, wall, rows = await timed(tx, x, now + timedelta(minutes=i), followers)
                totals[prefix + "cpu"] += cpu
                totals[prefix + "wall"] += wall
                if not prefix:  # written, untimed, so later races find users' last alerts as a meeting would
                    alerts += len(rows)
                    await tx.outbox.add_rows(rows)
            results += len(f.entries)
    per_result = {k: v / results for k, v in totals.items() if not k.startswith("load")}
    return per_result | {k: v for k, v in totals.items() if k.startswith("load")} | {"results": results, "alerts": alerts}


def spread(label: str, values: list[float]) -> str:
    us = [v * 1e6 for v in values]
    return f"{label} {statistics.median(us):.1f} us ({min(us):.1f}-{max(us):.1f})"


async def main(runs: int, n_follows: int, n_athletes: int, db: Path) -> None:
    rng = random.Random(18)
    store, races = await build(db, n_follows, n_athletes, rng)
    now = datetime(2022, 8, 26, 20, 0, tzinfo=timezone.utc)
    try:
        found = [await one_run(store, races, now + timedelta(hours=i)) for i in range(runs)]
        after = [await changed_then_race(store, races, now + timedelta(days=1, hours=i), 100, rng) for i in range(runs)]
    finally:
        await store.close()
    first = found[0]
    print(f"{n_follows:,} follows by {n_follows // PER_USER:,} users over {n_athletes:,} athletes; "
          f"{MEETING}: {len(races)} races, {first['results']:.0f} results, {first['alerts']:.0f} alerts (user x race)")
    print("matching per result: " + spread("CPU", [r["cpu"] for r in found]) + ", "
          + spread("wall", [r["wall"] for r in found]))
    print("floor per result:    " + spread("CPU", [r["floor_cpu"] for r in found]) + ", "
          + spread("wall", [r["floor_wall"] for r in found]))
    load_cpu = [r["load_cpu"] * 1e3 for r in found]
    load_wall = [r["load_wall"] * 1e3 for r in found]
    print(f"one race after 100 new follows (map updated by id): CPU "
          f"{statistics.median(a[0] for a in after) * 1e3:.2f} ms ({min(a[0] for a in after) * 1e3:.2f}-"
          f"{max(a[0] for a in after) * 1e3:.2f}), wall {statistics.median(a[1] for a in after) * 1e3:.2f} ms")
    print(f"map load (a poller's first poll, before its write lock): CPU {statistics.median(load_cpu):.0f} ms "
          f"({min(load_cpu):.0f}-{max(load_cpu):.0f}), wall {statistics.median(load_wall):.0f} ms "
          f"({min(load_wall):.0f}-{max(load_wall):.0f})")
    median = statistics.median(r["cpu"] for r in found) * 1e6
    print(f"target: <= {TARGET_US:.0f} us CPU per result: median {median:.1f} us, "
          f"{'met' if median <= TARGET_US else 'NOT met'} over {runs} runs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--follows", type=int, default=100_000)
    parser.add_argument("--athletes", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/follows.db"))
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.follows, args.athletes, args.db))
