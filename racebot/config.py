"""Settings: TOML for everything that is not secret, the environment for secrets and paths."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from platformdirs import user_config_dir, user_data_dir

APP = "racebot"


# The top-level tables of the config file and who reads them (config.example.toml documents each).
SECTIONS = {"storage", "console", "discord", "slack", "sources", "alerts", "announcements", "replay"}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    db_path: Path
    sections: dict = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None

    def section(self, *names: str) -> dict:
        table = self.sections
        for n in names:
            table = table.get(n, {}) if isinstance(table, dict) else {}
        return table if isinstance(table, dict) else {}


def default_db() -> Path:
    return Path(user_data_dir(APP)) / "racebot.db"


def default_config() -> Path:
    return Path(user_config_dir(APP)) / "config.toml"


def load(config_path: str | None = None, db_path: str | None = None,
         env: Mapping[str, str] | None = None) -> Config:
    """Flags beat the environment, which beats the file, which beats the defaults."""
    env = dict(os.environ if env is None else env)
    chosen = config_path or env.get("RACEBOT_CONFIG")
    path = Path(chosen).expanduser() if chosen else default_config()
    sections: dict = {}
    if path.exists():
        try:
            sections = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:  # a folder, no permission, not text
            raise ConfigError(f"cannot read the config file {path}: {getattr(exc, 'strerror', None) or exc}") from None
        _check_sections(path, sections)
    elif chosen:
        raise ConfigError(f"config file {path} does not exist (copy config.example.toml)")
    db = db_path or env.get("RACEBOT_DB") or sections.get("storage", {}).get("db_path") or default_db()
    return Config(Path(db).expanduser(), sections, env, path if path.exists() else None)


def _check_sections(path: Path, sections: dict) -> None:
    """Top-level tables only, each one somebody reads: a typo (`[slak]`) would otherwise be
    ignored in silence and the operator left wondering. Keys inside a table are checked by the
    table's owner when it parses its settings."""
    for name, table in sections.items():
        if name not in SECTIONS:
            raise ConfigError(f"{path}: unknown section [{name}] (known: {', '.join(sorted(SECTIONS))})")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {name} must be a table ([{name}]), not a single value")
    db = sections.get("storage", {}).get("db_path")
    if db is not None and (not isinstance(db, str) or not db.strip()):
        raise ConfigError(f"{path}: [storage] db_path must be a path in quotes")
