"""`racebot`: run the bot, use the console, import files, or ask one question and exit."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys

from racebot.config import ConfigError, load

ONE_SHOT = ("h2h", "results", "athlete", "top", "next", "status", "help")


def _common(p: argparse.ArgumentParser, *, default: object = None) -> None:
    """The options every command takes, before its name or after it (`racebot run --config X`).
    After it they default to SUPPRESS, so an option given before the name is not reset."""
    p.add_argument("--db", default=default, help="SQLite store (default: RACEBOT_DB or the user data directory)")
    p.add_argument("--config", default=default,
                   help="config TOML (default: RACEBOT_CONFIG or the user config directory)")
    p.add_argument("-v", "--verbose", action="store_true", default=False if default is None else default,
                   help="log more")


def _parser(one_shot_only: bool = False) -> argparse.ArgumentParser:
    """Every subcommand, or only the one-shot ones: the others' parsers import what they run
    with (the outbox states, the sync's sources), which a one-shot question never needs."""
    p = argparse.ArgumentParser(prog="racebot", description="Athletics results and rivalries in chat.")
    _common(p)
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    sub.add_parser("run", help="start the configured adapters and the scheduler (console when no tokens)")
    console = sub.add_parser("console", help="type slash commands in the terminal")
    console.add_argument("--chart", metavar="PATH", help="save each answer's chart (/h2h, /results) as PNG here")
    imp = sub.add_parser("import", help="load results from CSV/JSON files, the Diamond League archive "
                                         "or Tilastopaja's athletes' histories (.jsonl.gz)")
    imp.add_argument("paths", nargs="+", metavar="FILE|DIR")
    imp.add_argument("--format", choices=("csv", "json", "dl-archive", "tilastopaja"), help="default: detected")
    imp.add_argument("--wait", type=float, default=600.0, metavar="SECONDS",
                     help="how long to wait for another import to finish (default: 600)")
    for name in ONE_SHOT:
        one = sub.add_parser(name, help=f"/{name} once, then exit")
        one.add_argument("words", nargs="*")
        one.add_argument("--json", action="store_true", help="print the structured result")
        one.add_argument("--chart", metavar="PATH", help="save the answer's chart (/h2h, /results) as PNG here")
    if not one_shot_only:
        from racebot.operations import add_parsers

        add_parsers(sub)
    for command in sub.choices.values():
        _common(command, default=argparse.SUPPRESS)
    return p


def _command_of(argv: list[str]) -> str | None:
    """The subcommand named in `argv`: its first word that is neither an option nor an option's value."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--config"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _command_text(name: str, words: list[str]) -> str:
    """Rebuild command text; words that held spaces were quoted in the shell, so quote them again."""
    return " ".join([f"/{name}"] + [f'"{w}"' if " " in w else w for w in words])


async def _one_shot(cfg, name: str, words: list[str], as_json: bool, chart: str | None = None) -> int:
    from adapters.console import render
    from bot.commands.registry import Context
    from bot.replies import thawed
    from racebot.app import open_core

    worker = _chart_worker(chart)
    # Started first, so its start-up (matplotlib's import) overlaps the store's opening and the answer.
    starting = asyncio.create_task(worker.start()) if worker else None
    try:
        core = await open_core(cfg.store, one_question=True)
        core.charts = worker
        try:
            # --json lists a chart's points even when no picture is drawn
            reply = await core.handle_text(_command_text(name, words),
                                           Context(user_id="cli", is_admin=True, charts=as_json))
        finally:
            await core.store.close()
    finally:
        if worker and starting:
            await starting
            await worker.close()
    if as_json:
        print(json.dumps({"title": reply.title, "error": reply.error,
                          "message": " ".join(p.text for p in reply.paragraphs) if reply.error else None,
                          **thawed(reply.data or {})}, ensure_ascii=False, indent=2))
    else:
        print(render(reply, sys.stdout.isatty()), file=sys.stderr if reply.error else sys.stdout)
    if chart and not reply.error:
        return _save_chart(reply, chart)
    return 1 if reply.error else 0


def _chart_worker(path: str | None):
    """The chart worker, only when a chart was asked for: answers otherwise start no process."""
    if path is None:
        return None
    from racebot.charts.client import ChartWorker

    return ChartWorker()


def _save_chart(reply, path: str) -> int:
    if reply.chart is None:
        print(f"racebot: this answer has no chart (/h2h and one race of /results have one); "
              f"nothing saved to {path}", file=sys.stderr)
        return 1
    if reply.image is None:
        print(f"racebot: the chart could not be drawn (see the log with -v); nothing saved to {path}",
              file=sys.stderr)
        return 1
    try:
        with open(path, "wb") as f:
            f.write(reply.image)
    except OSError as exc:
        print(f"racebot: could not save the chart to {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Chart saved to {path}: {reply.chart.alt}", file=sys.stderr)
    return 0


async def _console(cfg, chart: str | None = None) -> int:
    from adapters.console import ConsoleAdapter
    from racebot.app import open_core

    from pathlib import Path

    core = await open_core(cfg.store)
    worker = core.charts = _chart_worker(chart)
    console = ConsoleAdapter(core, chart_path=Path(chart) if chart else None)
    follower = core.follow_changes()
    try:
        await console.start()
        await console.finished.wait()
    finally:
        follower.cancel()
        await console.stop()
        if worker:
            await worker.close()
        await core.store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    args = _parser(one_shot_only=_command_of(argv) in ONE_SHOT).parse_args(argv)
    from racebot.logs import configure

    level = logging.INFO if args.verbose else logging.WARNING
    configure(level, "text", os.environ)  # the config's own warnings, before [ops] is known
    try:
        cfg = load(args.config, args.db)
    except ConfigError as exc:
        print(f"racebot: {exc}", file=sys.stderr)
        return 2
    if cfg.path is not None and cfg.file.ops.log_format != "text":  # no file: nothing to parse for
        configure(level, cfg.file.ops.log_format, cfg.env)
    if args.cmd is None:
        _parser().print_help()
        return 0
    from bot.errors import NotStarted

    try:
        if args.cmd in ONE_SHOT:
            return asyncio.run(_one_shot(cfg, args.cmd, args.words, args.json, args.chart))
        if args.cmd == "console":
            return asyncio.run(_console(cfg, args.chart))
        from racebot.operations import dispatch

        return asyncio.run(dispatch(cfg, args))
    except NotStarted as exc:  # an unusable store, a refused token: one line, not a traceback
        print(f"racebot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `racebot h2h ... | head`: the reader left, nothing more to say
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
