"""The console in a real pseudo-terminal (issue #17): line editing, history, and an announcement
printed above the prompt while a line is half typed, which then goes on as it was. prompt_toolkit
runs as in a terminal; the test is the keyboard at the pty's other end, and the screen is what
pyte (a terminal emulator) draws of the bytes that come out."""
from __future__ import annotations

import asyncio
import fcntl
import os
import re
import struct
import termios

import pyte
import pytest

from adapters.console import CONSOLE_CHANNEL, ConsoleAdapter
from bot.replies import Paragraph, Reply

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|[\r\x07]")
ROWS, COLUMNS = 40, 160


class Terminal:
    """The pty's master side: keys in, the screen's bytes out (escape sequences dropped)."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.raw = b""
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self._stream = pyte.ByteStream(self.screen)
        asyncio.get_running_loop().add_reader(self.master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return
        self.raw += data
        self._stream.feed(data)

    def lines(self) -> list[str]:
        """The screen as a person sees it, without the blank lines at its end."""
        shown = [line.rstrip() for line in self.screen.display]
        while shown and not shown[-1]:
            shown.pop()
        return shown

    @property
    def text(self) -> str:
        return _ESCAPES.sub("", self.raw.decode("utf-8", "replace"))

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    async def shows(self, what: str, *, count: int = 1, after: int = 0, timeout: float = 20.0) -> None:
        async def seen() -> None:
            while self.text[after:].count(what) < count:
                await asyncio.sleep(0.02)
        try:
            await asyncio.wait_for(seen(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{what!r} not on the screen:\n{self.text[-2000:]}") from None

    def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self.master)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
async def terminal(shared_core, monkeypatch):
    monkeypatch.setenv("PROMPT_TOOLKIT_NO_CPR", "1")  # the test answers no cursor-position requests
    term = Terminal()
    stdin = os.fdopen(os.dup(term.slave), "r", encoding="utf-8")
    stdout = os.fdopen(os.dup(term.slave), "w", encoding="utf-8")
    console = ConsoleAdapter(shared_core, stdin, stdout)
    assert console.interactive  # a terminal on both ends: the line editor
    await console.start()
    yield term, console
    await console.stop()
    await asyncio.sleep(0.1)  # the prompt's own clean-up runs on cancellation
    stdin.close()
    stdout.close()
    term.close()


async def test_line_editing_and_history(terminal):
    term, console = terminal
    await term.shows("racebot>")
    term.type("/h2h Kerr Ingebrigtxx")
    await term.shows("Ingebrigtxx")
    term.type("\x7f\x7fsen\r")  # two backspaces, then the right ending
    await term.shows("Kerr leads Ingebrigtsen 2–1")
    assert "racebot> /h2h Kerr Ingebrigtsen" in term.lines()  # the line as edited
    term.type("\x1b[A")  # up: the last line again, from history
    await term.shows("/h2h Kerr Ingebrigtsen", count=2)
    term.type("\r")
    await term.shows("Kerr leads Ingebrigtsen 2–1", count=2)
    term.type("\x04")  # Ctrl-D on an empty line ends the console
    await asyncio.wait_for(console.finished.wait(), 10)


async def test_an_announcement_prints_above_the_line_being_typed(terminal):
    term, console = terminal
    await term.shows("racebot>")
    term.type("/athlete Josh Ke")
    await term.shows("/athlete Josh Ke")
    mark = len(term.text)
    reply = Reply("Men's 1500m · Test Meeting", [Paragraph.of("Announcement arrives mid-line.")])
    delivered = await console.send(CONSOLE_CHANNEL, reply, "test:1")
    assert delivered.outcome.name == "DELIVERED"
    await term.shows("Announcement arrives mid-line.", after=mark)
    after = term.text.index("Announcement arrives mid-line.", mark)
    await term.shows("Josh Ke", after=after)  # the half line, redrawn below the announcement
    screen = term.lines()
    assert screen[-1] == "racebot> /athlete Josh Ke"  # the prompt, with the line as it was, at the bottom
    above = screen.index("Announcement arrives mid-line.")
    assert screen[above - 1] == "Men's 1500m · Test Meeting" and above < len(screen) - 1
    term.type("rr\r")  # finish the line that was interrupted
    await term.shows("Josh Kerr (GBR, born 1997)", after=after)

