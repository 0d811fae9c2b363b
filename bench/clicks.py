"""A click on a button or menu, through the core, beside the same command typed (the floor): what
the id costs to read and check on top of running the command it names.

    python bench/clicks.py [--db racebot.db] [--calls 200] [--runs 3]

Prints, per click, CPU and wall time per call (median of the runs and their spread), for the
click and for its floor measured in the same run under the same settings.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.commands.registry import Context  # noqa: E402
from bot.replies import Button, Menu  # noqa: E402
from racebot.app import open_core  # noqa: E402

ASKER = Context(user_id="U1", clickable=True)
# (the question asked, which control of its answer is clicked)
CLICKS = [("/top 1500m 2022", "Next \u25b6"), ('/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', "Finals only"),
          ('/h2h "Jakob Ingebrigtsen" "Narve Gilje Nordås"', "By event"), ("/athlete Ingebrigtsen", "Which one?")]


async def _timed(calls: int, step) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        await step()
    return (time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls


def _line(label: str, runs: list[tuple[float, float]]) -> str:
    cpu, wall = [r[0] * 1e3 for r in runs], [r[1] * 1e3 for r in runs]
    return (f"{label}: CPU {statistics.median(cpu):.2f} ms (spread {max(cpu) - min(cpu):.2f}), "
            f"wall {statistics.median(wall):.2f} ms (spread {max(wall) - min(wall):.2f}) per call")


async def main(db: Path | None, calls: int, runs: int) -> None:
    core = await open_core(db or Path(tempfile.mkdtemp()) / "racebot.db")
    try:
        for question, control in CLICKS:
            reply = await core.handle_text(question, ASKER)
            action = next(a for a in reply.actions if (a.label if isinstance(a, Button) else a.placeholder) == control)
            if isinstance(action, Menu):
                command = action.options[0].command
                carrier, chosen = core.actions.menu(0, "U1", action.personal), core.actions.encode(command, "", False, 100)
            else:
                command = action.command
                carrier, chosen = core.actions.encode(command, "U1", action.personal, 100), None

            async def click() -> None:
                answer = await core.click(carrier, chosen, ASKER, None)
                assert answer.update, answer.reply.plain_text()

            async def typed() -> None:
                await core.handle_text(command, ASKER)

            measured: dict[str, list[tuple[float, float]]] = {"click": [], "floor": []}
            for _ in range(runs):  # interleaved, so both see the same machine
                measured["click"].append(await _timed(calls, click))
                measured["floor"].append(await _timed(calls, typed))
            print(f"{question} -> {control} ({command})")
            print("  " + _line("click", measured["click"]))
            print("  " + _line("floor: the command typed", measured["floor"]))
    finally:
        await core.store.close()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=None, help="a store (default: the bundled data, unpacked afresh)")
    p.add_argument("--calls", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    asyncio.run(main(a.db, a.calls, a.runs))
