"""Settings: TOML for everything that is not secret, the environment for secrets and paths.

`load` reads and validates the whole file once, at start-up: every section becomes a typed,
frozen model (racebot/sections.py), and any mistake is one ConfigError naming the key's path,
e.g. `discord.shard_count: expected a whole number of shards (0: none) or "auto"`. No error
repeats a value from the file, so a secret pasted in the wrong place is never printed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from platformdirs import user_config_dir, user_data_dir

from bot.sources.worldathletics.settings import ENV_API_KEY, ENV_ENDPOINT
from racebot.database_url import is_postgres_url

if TYPE_CHECKING:
    from pydantic import BaseModel

    from racebot.sections import ConfigFile

APP = "racebot"

# What a TOML user reads better than pydantic's wording, by pydantic's error type.
_EXPECTED = {
    "string_type": "expected text in quotes",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "tuple_type": 'expected a list, e.g. ["a", "b"]',
    "string_too_short": "expected some text, not an empty string",
    "greater_than": "expected a number above {gt}",
    "greater_than_equal": "expected a number of at least {ge}",
    "less_than_equal": "expected a number of at most {le}",
    "literal_error": "expected {expected}",
}


class ConfigError(ValueError):
    pass


ENV_DATABASE_URL = "RACEBOT_DATABASE_URL"
# The environment variables checked with the file at start-up (racebot/sections.py).
_CHECKED_ENV = (ENV_ENDPOINT, ENV_API_KEY)


class Config:
    """Where the store is, the file's typed sections and the environment.

    Without a config file and without the checked variables nothing can be wrong, so the
    sections (pydantic, and every settings class they build: 0.1 s of CPU) are made on first
    use: a one-shot `racebot h2h` never asks for them."""

    def __init__(self, db_path: Path, file: ConfigFile | None = None, env: Mapping[str, str] | None = None,
                 path: Path | None = None, database_url: str | None = None) -> None:
        self.db_path = db_path
        self._file = file
        self.env: Mapping[str, str] = {} if env is None else env
        self.path = path
        self.database_url = database_url  # PostgreSQL instead of the SQLite file at db_path

    @property
    def file(self) -> ConfigFile:
        if self._file is None:
            self._file = parse({})
        return self._file

    @property
    def store(self) -> str:
        """What racebot opens: the PostgreSQL URL, else the SQLite file (racebot.stores.open_store)."""
        return self.database_url or str(self.db_path)


def default_db() -> Path:
    return Path(user_data_dir(APP)) / "racebot.db"


def default_config() -> Path:
    return Path(user_config_dir(APP)) / "config.toml"


def load(config_path: str | None = None, db_path: str | None = None,
         env: Mapping[str, str] | None = None) -> Config:
    """Flags beat the environment, which beats the file, which beats the defaults. A database URL
    (RACEBOT_DATABASE_URL, else [storage] url) opens PostgreSQL; a --db flag opens that SQLite file."""
    env = dict(os.environ if env is None else env)
    chosen = config_path or env.get("RACEBOT_CONFIG")
    path = Path(chosen).expanduser() if chosen else default_config()
    tables: dict = {}
    if path.exists():
        import tomllib  # here: most one-shot commands run without a config file

        try:
            tables = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:  # a folder, no permission, not text
            raise ConfigError(f"cannot read the config file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    elif chosen:
        raise ConfigError(f"config file {path} does not exist (copy config.example.toml)")
    if not tables and not any(env.get(name) for name in _CHECKED_ENV):
        return Config(Path(db_path or env.get("RACEBOT_DB") or default_db()).expanduser(), None, env,
                      path if path.exists() else None, None if db_path else _database_url(env))
    file = parse(tables, where=f"{path}: ")
    try:  # what the environment overrides is checked now too, before anything is opened
        file.sources.worldathletics.settings(env)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    db = db_path or env.get("RACEBOT_DB") or file.storage.db_path or default_db()
    return Config(Path(db).expanduser(), file, env, path if path.exists() else None,
                  None if db_path else _database_url(env) or file.storage.url)


def _database_url(env: Mapping[str, str]) -> str | None:
    """RACEBOT_DATABASE_URL, checked as the file's [storage] url is (its password may be there)."""
    url = env.get(ENV_DATABASE_URL, "").strip()
    if url and not is_postgres_url(url):
        raise ConfigError(f"{ENV_DATABASE_URL}: expected a URL starting with postgresql://")
    return url or None


def parse(tables: Mapping[str, Any], where: str = "") -> ConfigFile:
    """The file's tables as typed sections, or one ConfigError listing every key that is wrong."""
    from pydantic import ValidationError

    from racebot.sections import ConfigFile

    try:
        return ConfigFile.model_validate(tables)
    except ValidationError as exc:
        problems = dict.fromkeys(_problem(e) for e in exc.errors(include_input=False, include_url=False))
        raise ConfigError(where + "; ".join(problems)) from None


def _problem(error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    # A section's own check across keys names the key it faults in ctx.
    loc = [*error["loc"], ctx["key"]] if kind in ("secret_in_file", "keyed") else list(error["loc"])
    key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    if kind == "extra_forbidden":
        known = ", ".join(_model_at(loc[:-1]).model_fields)
        if len(loc) == 1:
            return f"unknown section [{key}] (known: {known})"
        return f"{key}: unknown key (known: {known})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{key}: expected a table ([{key}]), not a single value"
    if kind in _EXPECTED:
        return f"{key}: " + _EXPECTED[kind].format(**{k: f"{v:g}" if isinstance(v, float) else v
                                                      for k, v in ctx.items()})
    # Our own validators' messages, and pydantic's for anything rarer, in the same form.
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "expected")
    return f"{key}: {message}"


def _model_at(loc: list[str]) -> type[BaseModel]:
    from racebot.sections import ConfigFile

    model: type[BaseModel] = ConfigFile
    for name in loc:
        model = model.model_fields[name].annotation  # type: ignore[assignment]  # every field on a path is a section
    return model
