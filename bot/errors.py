"""Errors whose message is written for the person in the chat."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.replies import Action


class UserError(Exception):
    """Bad input or nothing found: shown to the user as a short, friendly message."""

    def __init__(self, message: str, hint: str = "", actions: Sequence[Action] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # A way out to pick from (namesakes), where the asker can click.
        self.actions = tuple(actions)


class ImportFailed(Exception):
    """An import file was rejected as a whole; names the file, line and reason."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class NotStarted(RuntimeError):
    """Start-up cannot go on: bad settings, an unusable store, a rejected token.

    The message is one line for the operator (never a secret); the entry point prints it and
    exits non-zero, where any other exception would be a bug and keep its traceback."""


class Unreachable(RuntimeError):
    """A platform could not be reached at start-up (no network, DNS, its servers failing): unlike
    NotStarted, worth trying again; the entry point keeps the rest running and retries."""


class StoreBusy(Exception):
    """Another writer (an import, usually in another process) held the store longer than this
    write could wait; the message says so in words a chat user or an operator understands."""

    def __init__(self, message: str = "The store is busy with an import; try again in a minute.") -> None:
        super().__init__(message)
        self.message = message
