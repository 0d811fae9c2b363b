"""The terminal adapter: the same slash commands as in chat, and a publisher that prints.

In a terminal the line is read by prompt_toolkit: editing, history (up and down arrows), and
output from elsewhere (announcements) printed above the prompt, the line being typed kept as it
was. When stdin or stdout is not a terminal (a pipe, a test), lines are read plainly."""
from __future__ import annotations

import asyncio
import logging
import re
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from adapters.cards import grouped
from bot.commands.registry import Context
from bot.core import Core
from bot.announce.publishing import ChannelRef, Delivery, Outcome
from bot.replies import TABLE_WIDTH, Reply, failure_reply, format_table

log = logging.getLogger(__name__)

# Data must never drive the terminal: no escape sequences or other control characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONSOLE_CHANNEL = ChannelRef("console", "", "terminal")
PROMPT = "racebot> "


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


class Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


def _styled(text: str, s: Style) -> str:
    if not s.colour:
        return text.replace("\x01", "").replace("\x02", "").replace("\x03", "")
    return text.replace("\x01", "\x1b[1m").replace("\x03", "\x1b[2m").replace("\x02", "\x1b[0m")


# The title's colour by kind of reply, in a terminal that shows colour (chat cards: adapters/cards.py).
_KIND_STYLE = {"result": "1;32", "record": "1;33", "partial": "1;37", "correction": "1;35"}


def render(reply: Reply, colour: bool = False, width: int = 100) -> str:
    s = Style(colour)
    out = [s(clean(reply.title), "1;31" if reply.error else _KIND_STYLE.get(reply.kind, "1"))]
    # Records as plain badges, "[WL] Jakob Ingebrigtsen 3:29.74": codes, no emoji, in a terminal.
    out += [" ".join(s(f"[{clean(c)}]", "1;33") for c in codes) + f" {clean(text)}" for codes, text in grouped(reply.badges)]
    for p in reply.paragraphs:
        # Wrap the plain words first, then turn the markers into styles, so escapes never split a line.
        text = "".join(f"\x01{clean(sp.text)}\x02" if sp.strong else clean(sp.text) for sp in p.spans)
        out.append(_styled(textwrap.fill(text, width), s))
    if reply.fields:
        inline = "  ".join(f"\x03{clean(f.name)}\x02 {clean(f.value)}" for f in reply.fields if f.inline)
        out.append(_styled(textwrap.fill(inline, width), s))
        out += [f"{s(clean(f.name), '2')}: {clean(f.value)}" for f in reply.fields if not f.inline]
    if reply.table:
        lines = format_table(reply.table, TABLE_WIDTH)
        out.append("\n".join([s(clean(lines[0]), "1")] + [clean(x) for x in lines[1:]]))
    if reply.footer:
        out.append(s(clean(reply.footer), "2"))
    if reply.coverage:
        out.append(s(clean(reply.coverage), "2"))
    body = "\n".join(x for x in out if x)
    return f"||{body}||" if reply.spoiler and not colour else body


class ConsoleAdapter:
    name = "console"
    platform = "console"

    def __init__(self, core: Core, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 *, interactive: bool | None = None, chart_path: Path | None = None) -> None:
        self.core = core
        # A terminal shows no pictures: with a path, each answer's chart is saved there (the core
        # draws it only when given a drawer: racebot console --chart PATH).
        self.chart_path = chart_path
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.colour = self.stdout.isatty()
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self._sent: set[str] = set()
        self._task: asyncio.Task | None = None
        self.finished = asyncio.Event()
        self._prompt: Any = None  # prompt_toolkit's PromptSession, in a terminal
        self._printing: set[asyncio.Task] = set()

    def write(self, text: str) -> None:
        """A line for the user; while the line editor waits, printed above its prompt."""
        app = self._prompting()
        if app is not None:
            task = asyncio.get_running_loop().create_task(self._write_above(app, text))
            self._printing.add(task)  # a reference, so the task is not collected before it runs
            task.add_done_callback(self._printing.discard)
            return
        self._emit(text)

    def _emit(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _prompting(self) -> Any:
        """The line editor's application while it waits for a line, else None."""
        app = self._prompt.app if self._prompt is not None else None
        return app if app is not None and app.is_running else None

    async def _write_above(self, app: Any, text: str) -> None:
        """Print above the prompt: the editor clears its line, the text goes out, the prompt and
        the half-typed line are drawn again below it. `set_app` because the announcement comes
        from another task than the one waiting in the prompt."""
        from prompt_toolkit.application import run_in_terminal
        from prompt_toolkit.application.current import set_app

        with set_app(app):
            await run_in_terminal(lambda: self._emit(text), in_executor=False)

    async def start(self) -> None:
        self._task = asyncio.create_task(self.repl(), name="console-repl")

    async def stop(self) -> None:
        if self._task and not self._task.done():
            self._task.cancel()

    async def repl(self) -> None:
        ctx = Context(user_id="console", user_name="you", channel=CONSOLE_CHANNEL, is_admin=True)
        if self.interactive:
            self.write("racebot: type /help, /h2h Kerr Ingebrigtsen, or /quit.")
        try:
            if self.interactive and self._terminal():
                await self._edited_lines(ctx)
            else:
                await self._plain_lines(ctx)
        finally:
            self.finished.set()

    def _terminal(self) -> bool:
        try:
            return self.stdin.isatty() and self.stdout.isatty()
        except (AttributeError, ValueError):
            return False

    async def _plain_lines(self, ctx: Context) -> None:
        while True:
            if self.interactive:
                self.stdout.write(PROMPT)
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                return
            if not await self._one(line, ctx):
                return

    async def _edited_lines(self, ctx: Context) -> None:
        """prompt_toolkit on this adapter's own terminal; imported only here, where it is used."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.input import create_input
        from prompt_toolkit.output import create_output

        session: PromptSession[str] = PromptSession(
            history=InMemoryHistory(), input=create_input(self.stdin), output=create_output(self.stdout))
        self._prompt = session
        try:
            while True:
                try:
                    line = await session.prompt_async(PROMPT)
                except KeyboardInterrupt:  # Ctrl-C clears the line, as in a shell
                    continue
                except EOFError:  # Ctrl-D
                    return
                if not await self._one(line, ctx):
                    return
        finally:
            self._prompt = None

    async def _one(self, line: str, ctx: Context) -> bool:
        """Answer one line; False when it asks to quit."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit", "quit", "exit"):
            return False
        text = line if line.startswith("/") else "/" + line
        self.write(await self._answer(text, ctx) + "\n")
        return True

    async def _answer(self, text: str, ctx: Context) -> str:
        """The rendered answer to one line; whatever fails, the REPL goes on to the next."""
        try:
            reply = await self.core.handle_text(text, ctx)
            return render(reply, self.colour) + self._saved_chart(reply)
        except Exception:
            log.exception("answering %r failed", text[:200])
            return render(failure_reply(), self.colour)

    def _saved_chart(self, reply: Reply) -> str:
        if self.chart_path is None or reply.image is None:
            return ""
        try:
            self.chart_path.write_bytes(reply.image)
        except OSError as exc:
            return f"\nChart not saved to {self.chart_path}: {exc.strerror or exc}"
        alt = clean(reply.chart.alt) if reply.chart else ""
        return f"\nChart saved to {self.chart_path}" + (f": {alt}" if alt else "")

    async def send(self, channel: ChannelRef, reply: Reply, key: str, *,
                   in_doubt_since: datetime | None = None) -> Delivery:
        # A terminal has no history to look in: a row in doubt is shown again (after a crash only).
        if key in self._sent:
            return Delivery(Outcome.DELIVERED, detail="already shown")
        app = self._prompting()
        if app is not None:
            await self._write_above(app, render(reply, self.colour) + "\n")
        else:
            if self.interactive:  # no line editor: the announcement gets its own line, then the prompt again
                self.stdout.write("\r\x1b[K")
            self.write(render(reply, self.colour) + "\n")
            if self.interactive:
                self.stdout.write(PROMPT)
                self.stdout.flush()
        self._sent.add(key)
        return Delivery(Outcome.DELIVERED, message_id=key)
