"""Memory of a running bot while live data arrives: `racebot run` at a million results, 20 polls.

    python bench/polls_rss.py --db bench/out/synthetic.db [--polls 20] [--runs 3]

The real `racebot run` process runs on a copy of the store (bench/out/polls.db), with the console
adapter and the replay off, as it is in a bot with a chat platform or a live source configured. Each poll is one race of 10 results, a newcomer among 9 stored
athletes, written through Store.apply as the poller writes, every other poll on a new results
day. The bot follows the store's change feed (Core.refresh, the same update a poll's on_data
runs); the bench knows a poll has reached the indexes when `/athlete <the newcomer>` answers
with their name. After each poll it reads the process's RSS (VmRSS), peak RSS (VmHWM) and CPU
time (utime + stime) from /proc. The floor is the same process once ready, before the first
poll: "growth" is what 20 polls added to it. A start-up first (not counted) saves the index
snapshot beside the store once, so every counted run starts as a restarted bot does; `--build`
starts each run with no snapshot instead, as a first start or a new version of the code does.
The issue's target: RSS <= 150 MB after 20 polls, and flat.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import queue
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from racebot import index_snapshot  # noqa: E402
from bot.store import NewAthlete, NewRace, ResultWrite, WritePlan  # noqa: E402
from storage.sqlite import SqliteStore  # noqa: E402

TARGET_MB = 150
TICK = os.sysconf("SC_CLK_TCK")


class Bot:
    """`racebot run` in a child process, talked to through its console."""

    def __init__(self, db: Path, config: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")} | {"RACEBOT_CONFIG": str(config)}
        self.proc = subprocess.Popen([sys.executable, "-m", "racebot.cli", "--db", str(db), "run"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, cwd=Path(__file__).resolve().parents[1])
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def ask_until(self, command: str, wanted: str, timeout: float = 600.0) -> None:
        """Send `command` until its reply holds `wanted` (the change feed is followed every 3 s),
        one question in flight at a time: a loaded machine must not build a queue of them."""
        assert self.proc.stdin is not None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
            reply = [self._line(end)]  # the reply's first line, however long it takes
            while True:  # the rest of it: lines that follow within a moment
                try:
                    reply.append(self.lines.get(timeout=0.3))
                except queue.Empty:
                    break
            if any(wanted in line for line in reply):
                return
            time.sleep(1.0)
        raise TimeoutError(f"no reply holding {wanted!r} to {command!r}")

    def _line(self, end: float) -> str:
        while time.monotonic() < end:
            try:
                return self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"racebot run ended with {self.proc.returncode}")
        raise TimeoutError("racebot run stopped answering")

    def status(self) -> tuple[float, float, float]:
        """(RSS MB, peak RSS MB, CPU seconds) of the process."""
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines())
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / TICK
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024, cpu

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("/quit\n")
        self.proc.stdin.close()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def newcomer(n: int) -> str:
    return f"Newcomer{n} Pollard"


def poll_plan(db: Path, rng: random.Random, day: date, n: int) -> WritePlan:
    with sqlite3.connect(db) as c:
        top_race = c.execute("SELECT max(id) FROM races").fetchone()[0]
        comp, event, gender = c.execute("SELECT competition_id, event, gender FROM races WHERE id = ?",
                                        (rng.randint(1, top_race),)).fetchone()
        top = c.execute("SELECT max(id) FROM athletes").fetchone()[0]
    given, family = newcomer(n).split()
    plan = WritePlan(athletes=[NewAthlete(-1, newcomer(n), given, family, "NOR", gender, None, None)],
                     races=[NewRace(-2, comp, event, gender, "final", 5000 + n, day, None, "")])
    for place, athlete in enumerate([-1, *rng.sample(range(1, top + 1), 9)], start=1):
        plan.results.append(ResultWrite(-2, athlete, place, f"{200 + place}.00", 200.0 + place, "", None, "", "",
                                        "bench"))
    return plan


def newest_day(db: Path) -> date:
    with sqlite3.connect(db) as c:
        return date.fromisoformat(c.execute("SELECT max(day) FROM races").fetchone()[0])


def fresh_copy(db: Path, copy: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".indexes"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(db, copy)


def saved_snapshot(copy: Path) -> bytes:
    """The snapshot the warm-up saved beside the copy, without the file identity it is filed under."""
    with index_snapshot.path_for(copy).open("rb") as f:
        pickle.load(f)
        return f.read()


async def one_run(db: Path, copy: Path, config: Path, polls: int, rng: random.Random,
                  snapshot: bytes | None) -> list[tuple[float, float, float]]:
    """(RSS MB, peak MB, CPU s) once ready, then after each poll."""
    fresh_copy(db, copy)
    if snapshot is not None:
        # a fresh copy is another file, whose snapshot would be refused: filed under this one's
        # identity, it starts the run as a restart starts (a new inode made most runs build)
        index_snapshot.save_dumped(copy, snapshot)
    day = newest_day(copy)
    bot = Bot(copy, config)
    try:
        bot.ask_until("/athlete Jakob Ingebrigtsen", "Ingebrigtsen")
        seen = [bot.status()]
        store = await SqliteStore.open(copy)
        try:
            for n in range(1, polls + 1):
                if n % 2:
                    day += timedelta(days=1)
                async with store.write() as tx:
                    await tx.apply(poll_plan(copy, rng, day, n))
                bot.ask_until(f"/athlete {newcomer(n)}", f"Newcomer{n}")
                seen.append(bot.status())
        finally:
            await store.close()
        return seen
    finally:
        bot.stop()


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


async def main(db: Path, polls: int, runs: int, build: bool) -> None:
    copy = db.with_name("polls.db")
    config = db.with_name("polls.toml")
    config.write_text("[console]\nenabled = true\n[replay]\nenabled = false\n", encoding="utf-8")
    rng = random.Random(20)
    fresh_copy(db, copy)
    warm = Bot(copy, config)
    try:
        warm.ask_until("/athlete Jakob Ingebrigtsen", "Ingebrigtsen")
    finally:
        warm.stop()
    snapshot = None if build else saved_snapshot(copy)
    results = [await one_run(db, copy, config, polls, rng, snapshot) for _ in range(runs)]
    print(f"racebot run on {db.name}: {polls} polls of one race of 10 results (a newcomer among them), "
          f"every other one on a new day; median (spread) of {runs} runs; started "
          + ("by building the indexes (no snapshot)" if build else "from the snapshot beside the store"))
    print("poll  RSS MB              peak MB             CPU s since ready")
    for i in range(polls + 1):
        rss = [r[i][0] for r in results]
        peak = [r[i][1] for r in results]
        cpu = [r[i][2] - r[0][2] for r in results]
        print(f"{'ready' if i == 0 else i:>5} {spread(rss):<19} {spread(peak):<19} {spread(cpu, '{:.2f}')}")
    growth = [r[-1][0] - r[0][0] for r in results]
    last = [r[-1][0] for r in results]
    print(f"floor (ready, before any poll): {spread([r[0][0] for r in results])} MB; after {polls} polls "
          f"{spread(last)} MB, growth {spread(growth)} MB; target <= {TARGET_MB} MB and flat")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/synthetic.db"))
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build", action="store_true", help="start each run without the snapshot: a build")
    args = parser.parse_args()
    asyncio.run(main(args.db, args.polls, args.runs, args.build))
