"""Commands are declared once here; every adapter builds its interface from the declarations."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass
from enum import Enum
from typing import Any, Awaitable, Callable, Generic, Iterator, TypeVar

from bot.announce.publishing import ChannelRef
from bot.commands.services import Services
from bot.domain.periods import Period
from bot.replies import Reply


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
    PAGE = "page"  # of a long answer; keyword only (page:2), so a bare year stays a name or season
    CHOICE = "choice"  # one of the parameter's `choices`, typed bare (`start`) or as a keyword (`when:start`)

    @property
    def wordy(self) -> bool:
        """Free words (names) rather than one recognisable token."""
        return self in (Kind.ATHLETE, Kind.COMPETITION, Kind.TEXT)

    @property
    def value_type(self) -> type:
        """What a value of this kind is in a handler's Args (an event is its discipline code, a
        gender 'M' or 'W')."""
        return {Kind.SEASON: int, Kind.NUMBER: int, Kind.PAGE: int, Kind.FLAG: bool, Kind.DATE: Period}.get(self, str)


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    description: str
    required: bool = True
    autocomplete: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Syntax:
    """How commands are typed where a question came from, for /help and usage hints to show.
    Adapters say theirs; a command still never learns which platform asked."""

    # Options the client offers one by one (`/h2h athlete_a:Kerr athlete_b:Ingebrigtsen`);
    # otherwise commands are typed as text (`/h2h Kerr Ingebrigtsen event:1500m`).
    options: bool = False
    # Commands typed after another one: Slack keeps /status for itself, so `/racebot status`.
    umbrella: str = ""
    under_umbrella: frozenset[str] = frozenset()

    def command(self, name: str) -> str:
        """How the command `name` is invoked: `/h2h`, or `/racebot status`."""
        return f"/{self.umbrella} {name}" if self.umbrella and name in self.under_umbrella else f"/{name}"


TEXT = Syntax()


@dataclass(frozen=True)
class Context:
    """Who asked and from where; commands never learn which platform it was."""

    user_id: str = ""
    user_name: str = ""
    channel: ChannelRef | None = None
    timezone: str = "UTC"
    is_admin: bool = False
    syntax: Syntax = TEXT
    # The asker's platform shows buttons and menus (Discord, Slack): long answers come in pages,
    # and replies carry actions (bot.replies.Button, Menu). Not the platform: what it can show.
    clickable: bool = False
    # The answer's chart data is wanted: the core sets it when it can draw (a chat platform), the CLI
    # for --json and --chart. Otherwise /h2h skips the two careers' reads a chart needs (4x its cost).
    charts: bool = False


@dataclass
class Invocation:
    """A command as typed or picked, each value already of its kind's type (bot.commands.parsing)."""

    command: str
    args: dict[str, Any] = field(default_factory=dict)
    # Words not yet given to a parameter: a command with two name parameters splits them itself.
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Args:
    """A command's parameters, each converted once by its kind when parsed (bot.commands.parsing).

    A command with parameters declares a subclass with one field per Param, of the same name:
    athlete, competition and text are str, event a discipline code, season and number int,
    gender a bot.domain.gender.Gender, date a bot.domain.periods.Period, flag bool. A parameter
    not given keeps its field's default (None, or False for a flag)."""

    # Words no parameter took: a command with two name parameters splits them itself (/h2h).
    words: tuple[str, ...] = ()


def args_class(name: str, params: tuple[Param, ...]) -> type[Args]:
    """An Args class for a command that declares none: one field per parameter, typed by its kind."""
    if not params:
        return Args
    return make_dataclass(
        f"{name.title()}Args",
        [(p.name, p.kind.value_type if p.kind == Kind.FLAG else p.kind.value_type | None,
          field(default=False if p.kind == Kind.FLAG else None)) for p in params],
        bases=(Args,), frozen=True, kw_only=True)


A = TypeVar("A", bound=Args)
Handler = Callable[[Services, A, Context], Awaitable[Reply]]


@dataclass(frozen=True)
class Command(Generic[A]):
    name: str
    description: str
    params: tuple[Param, ...]
    handler: Handler[A]
    admin_only: bool = False
    examples: tuple[str, ...] = ()
    # The handler's typed parameters; made from `params` when not given (see args_class).
    args: type[A] | None = None

    def __post_init__(self) -> None:
        if self.args is None:
            object.__setattr__(self, "args", args_class(self.name, self.params))

    @property
    def args_type(self) -> type[Args]:
        """`args`, or the class __post_init__ made when it was not given."""
        if self.args is None:
            raise RuntimeError("Command.__post_init__ sets args")
        return self.args

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for p in self.params:
            label = p.name if p.kind != Kind.FLAG else p.name
            if p.kind in (Kind.SEASON, Kind.EVENT, Kind.GENDER, Kind.DATE, Kind.PAGE, Kind.CHOICE) and not p.required:
                label = f"{p.name}:…"
            parts.append(f"<{label}>" if p.required else f"[{label}]")
        return " ".join(parts)


class Registry:
    def __init__(self) -> None:
        self._commands: dict[str, Command[Any]] = {}

    def add(self, command: Command[Any]) -> None:
        if command.name in self._commands:
            raise ValueError(f"command /{command.name} declared twice")
        names = [p.name for p in command.params]
        if len(names) != len(set(names)):
            raise ValueError(f"/{command.name} declares a parameter twice")
        typed = {f.name for f in fields(command.args_type)} - {"words"}
        if typed != set(names):
            raise ValueError(f"/{command.name}'s {command.args_type.__name__} has fields {sorted(typed)}, "
                             f"its parameters are {sorted(names)}")
        self._commands[command.name] = command

    def get(self, name: str) -> Command[Any] | None:
        return self._commands.get(name.lower().lstrip("/"))

    def __iter__(self) -> Iterator[Command[Any]]:
        return iter(self._commands.values())

    def names(self) -> list[str]:
        return list(self._commands)
