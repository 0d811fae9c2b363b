"""Commands are declared once here; every adapter builds its interface from the declarations."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Awaitable, Callable

from bot.announce.publishing import ChannelRef
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.core import Core


class Kind(Enum):
    ATHLETE = "athlete"
    COMPETITION = "competition"
    EVENT = "event"
    SEASON = "season"
    GENDER = "gender"
    FLAG = "flag"
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"

    @property
    def wordy(self) -> bool:
        """Free words (names) rather than one recognisable token."""
        return self in (Kind.ATHLETE, Kind.COMPETITION, Kind.TEXT)


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    description: str
    required: bool = True
    autocomplete: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """Who asked and from where; commands never learn which platform it was."""

    user_id: str = ""
    user_name: str = ""
    channel: ChannelRef | None = None
    timezone: str = "UTC"
    is_admin: bool = False


@dataclass
class Invocation:
    command: str
    args: dict[str, str] = field(default_factory=dict)
    # Words not yet given to a parameter: a command with two name parameters splits them itself.
    words: list[str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.args.get(name, default)

    def flag(self, name: str) -> bool:
        return self.args.get(name, "").lower() in ("1", "true", "yes", "on", name)


Handler = Callable[["Core", Invocation, Context], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    params: tuple[Param, ...]
    handler: Handler
    admin_only: bool = False
    examples: tuple[str, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for p in self.params:
            label = p.name if p.kind != Kind.FLAG else p.name
            if p.kind in (Kind.SEASON, Kind.EVENT, Kind.GENDER, Kind.DATE) and not p.required:
                label = f"{p.name}:…"
            parts.append(f"<{label}>" if p.required else f"[{label}]")
        return " ".join(parts)


class Registry:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def add(self, command: Command) -> None:
        if command.name in self._commands:
            raise ValueError(f"command /{command.name} declared twice")
        names = [p.name for p in command.params]
        if len(names) != len(set(names)):
            raise ValueError(f"/{command.name} declares a parameter twice")
        self._commands[command.name] = command

    def get(self, name: str) -> Command | None:
        return self._commands.get(name.lower().lstrip("/"))

    def __iter__(self):
        return iter(self._commands.values())

    def names(self) -> list[str]:
        return list(self._commands)
