"""The core every adapter talks to: run a command, complete a parameter."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable

from bot.actions import ActionCodec, ClickAnswer, answer_click
from bot.change_feed import ChangeFeed, follow
from bot.charts import ChartDrawer
from bot.commands.catalog import build_registry
from bot.commands.parsing import (MAX_COMMAND_CHARS, check_command, invocation_line, missing, parse, parse_args,
                                  tokenize, typed_args)
from bot.commands.registry import Command, Context, Invocation, Kind, Registry
from bot.commands.services import CoreStore, Services
from bot.errors import StoreBusy, UserError
from bot.full_table import wants_full_table, with_full_table
from bot.indexes import Indexes
from bot.replies import Reply, error_reply, failure_reply

log = logging.getLogger(__name__)
FOLLOW_SECONDS = 3.0  # how soon another process's import shows; a look costs microseconds
# Changed races, as a share of all, past which a build beside and a swap is cheaper than changing
# the indexes race by race (bench/incremental.py); the overlay of changes since the last build
# is held to the same share, so the flat arrays stay most of what is held.
FULL_BUILD_SHARE = 0.2


@dataclass(frozen=True)
class Choice:
    """An autocomplete suggestion: `name` is shown, `value` is sent back."""

    name: str
    value: str


class Core:
    def __init__(self, store: CoreStore, *, clock: Callable[[], datetime] | None = None,
                 after_load: Callable[[], None] | None = None, charts: ChartDrawer | None = None) -> None:
        self.store = store
        self.after_load = after_load  # the composition root's hook (racebot.tuning.freeze_loaded)
        # Draws a reply's chart into its image (racebot.charts, a worker process); None: no pictures,
        # as in the console and one-shot commands that did not ask for one.
        self.charts = charts
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.indexes = Indexes()
        self.registry: Registry = build_registry()
        self.feed = ChangeFeed(store)
        self.loaded = False  # the indexes were built or adopted: answers are about the store
        # (command, outcome) after each command: the composition root counts them (racebot.metrics).
        # A command name the registry does not know is reported as "unknown", never as typed.
        self.on_command: Callable[[str, str], None] | None = None
        self.actions = ActionCodec()  # ids of buttons and menus, and the long commands they stand for
        self._loading = asyncio.Lock()  # one load or update at a time: each reads what the last left

    async def start(self) -> None:
        """Build the in-memory indexes from the store (at start; refresh() follows changes after)."""
        async with self._loading:
            await self._build()

    async def _build(self) -> None:
        await self.feed.skip_to_head()  # first: a write during the load is read again afterwards
        await self.indexes.load(self.store)
        self.loaded = True
        if self.after_load is not None:
            self.after_load()

    def adopt(self, indexes: Indexes) -> None:
        """Answer from indexes built earlier of the store as the feed now stands (read its head
        first: racebot.index_snapshot), instead of building them."""
        self.indexes = indexes
        self.loaded = True
        if self.after_load is not None:
            self.after_load()

    async def refresh(self) -> int:
        """Follow the store's change feed (a poll here, an import in another process): the races
        it names are changed in the indexes in place, or, when they are a large share of all,
        the indexes are built again beside; how many changes it had."""
        async with self._loading:
            news = await self.feed.news()
            if not news:
                return 0
            meetings = self.indexes.meetings
            races = sum(c.kind == "race" for c in news)
            if races + meetings.overlay_races > FULL_BUILD_SHARE * max(len(meetings), 1):
                await self._build()
            else:
                await self.indexes.apply(self.store, news)
            return len(news)

    def follow_changes(self, every: float = FOLLOW_SECONDS) -> asyncio.Task[None]:
        """refresh() every few seconds, until the task is cancelled."""
        return asyncio.create_task(follow(self.refresh, every), name="racebot-change-feed")

    @property
    def services(self) -> Services:
        """What handlers get; made per command (a few attributes), so it always holds the core's
        current store, indexes and clock, even after one of them is replaced."""
        return Services(self.store, self.indexes, self.clock)

    # --- running commands -------------------------------------------------------------
    async def handle_text(self, text: str, ctx: Context) -> Reply:
        """Parse command text as typed in Slack or the console, then run it; never raises."""
        try:
            inv = parse(self.registry, text)
        except UserError as exc:
            self._observe(text.lstrip("/").split(" ", 1)[0], "bad_input")
            return error_reply(exc.message, hint=exc.hint)
        except Exception:  # a bug in parsing must not end the adapter that asked
            log.exception("parsing a command failed: %r", text[:200])
            self._observe("", "failed")
            return failure_reply()
        return await self.handle(inv, ctx)

    def _observe(self, name: str, outcome: str) -> None:
        if self.on_command is not None:
            self.on_command(name if self.registry.get(name) is not None else "unknown", outcome)

    def parse_words(self, command: str, text: str) -> Invocation:
        """Parse the argument text of a known command (Slack gives `/h2h` and its text apart)."""
        try:
            check_command(f"/{command} {text}")
            cmd = self._command(command)
            return parse_args(cmd, tokenize(text))
        except UserError:  # answered by the adapter; counted here, as handle_text counts its own
            self._observe(command, "bad_input")
            raise

    async def handle(self, inv: Invocation, ctx: Context) -> Reply:
        """Run a command; never raises: problems come back as an error reply."""
        reply, outcome = await self._run(inv, ctx)
        self._observe(inv.command, outcome)
        return reply

    async def _run(self, inv: Invocation, ctx: Context) -> tuple[Reply, str]:
        """The reply and how it went: ok, bad_input (the asker's mistake), busy or failed (ours)."""
        try:
            cmd = self._command(inv.command)
            if cmd.admin_only and not ctx.is_admin:
                raise UserError("Only channel admins can do that.",
                                "Ask someone who can manage this channel.")
            lacking = missing(cmd, inv)
            if lacking:
                raise UserError(f"/{cmd.name} needs {', '.join(p.name for p in lacking)}.",
                                f"Usage: {cmd.usage()}")
            if self.charts is not None and not ctx.charts:
                ctx = replace(ctx, charts=True)
            reply = await cmd.handler(self.services, typed_args(cmd, inv), ctx)
            if not isinstance(reply, Reply):
                raise TypeError(f"/{cmd.name} answered {type(reply).__name__}, not a Reply")
            if ctx.clickable and wants_full_table(reply) and (again := invocation_line(cmd, inv)) is not None:
                reply = with_full_table(reply, again)
            return await self._drawn(reply), "bad_input" if reply.error else "ok"
        except UserError as exc:
            return error_reply(exc.message, hint=exc.hint, actions=exc.actions), "bad_input"
        except StoreBusy as exc:  # an import elsewhere holds the write lock: not our bug, nothing changed
            log.warning("command /%s: %s", inv.command, exc.message)
            return error_reply(exc.message), "busy"
        except Exception:  # whatever a handler raises, the adapter gets an answer and keeps serving
            log.exception("command /%s failed", inv.command)
            return failure_reply(), "failed"

    async def click(self, carrier: str, chosen: str | None, ctx: Context,
                    sent_at: datetime | None) -> ClickAnswer:
        """A button pressed (`carrier`: its id) or a menu option picked (`carrier`: the menu's id,
        `chosen`: the option's), by `ctx`'s user, on a message posted at `sent_at`; never raises."""
        try:
            answer = await answer_click(self.actions, self.handle_text, carrier, chosen, ctx, sent_at, self.clock())
            if answer.aside:  # the full table: drawn now, as the answer it was made from had its chart
                answer = replace(answer, reply=await self._drawn(answer.reply))
            return answer
        except Exception:  # the clicker still hears from us
            log.exception("a click failed: %r", carrier[:100])
            return ClickAnswer(failure_reply(), False, ctx.user_id)

    async def _drawn(self, reply: Reply) -> Reply:
        """`reply` with its chart drawn into its image, where this core draws charts."""
        if reply.chart is not None and self.charts is not None:
            # The data version keys the drawing's cache: an import since then draws afresh.
            png = await self.charts.draw(reply.chart, self.feed.seq)
            if png:
                reply = replace(reply, image=png)
        return reply

    def _command(self, name: str) -> Command[Any]:
        cmd = self.registry.get(name)
        if cmd is None:
            raise UserError(f"I don't know the command /{name}.", "Try /help for the list.")
        return cmd

    # --- autocomplete -----------------------------------------------------------------
    async def complete(self, command: str, param: str, partial: str,
                       others: dict[str, str] | None = None, limit: int = 25) -> list[Choice]:
        """Suggestions for a parameter, all from memory."""
        cmd = self.registry.get(command)
        p = cmd.param(param) if cmd else None
        if p is None or len(partial) > MAX_COMMAND_CHARS:
            return []
        others = others or {}
        if p.kind == Kind.ATHLETE:
            rivals: dict[int, int] = {}
            if param == "athlete_b" and others.get("athlete_a"):
                rival_of = self.indexes.athletes.best_id(others["athlete_a"])
                if rival_of is not None:
                    rivals = self.indexes.meetings.opponents(rival_of)
            return [Choice(n, v) for n, v in self.indexes.complete_athlete(partial, rivals, limit)]
        if p.kind == Kind.COMPETITION:
            return [Choice(n, v) for n, v in self.indexes.competitions.complete(partial, limit)]
        if p.kind == Kind.EVENT:
            return [Choice(n, v) for n, v in self.indexes.complete_event(partial, limit)]
        return []
