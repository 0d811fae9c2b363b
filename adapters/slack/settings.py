"""The `[slack]` config section plus the tokens from the environment, validated once at start-up.

Importing this module costs nothing: slack_bolt loads only when an adapter is built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

MODES = ("socket", "http")
DEFAULT_API_BASE_URL = "https://slack.com/api/"

# Which environment variables each mode needs; secrets never come from the TOML file.
REQUIRED_ENV = {
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "http": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
}


class SettingsError(ValueError):
    """The `[slack]` section is wrong; the message names the key and never a secret."""


@dataclass(frozen=True)
class SlackSettings:
    mode: str = "socket"
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    http_path: str = "/slack/events"
    api_base_url: str = DEFAULT_API_BASE_URL
    admin_user_ids: frozenset[str] = frozenset()
    # repr=False keeps tokens out of logs, tracebacks and test failure output.
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)

    @classmethod
    def load(cls, section: Mapping[str, object], env: Mapping[str, str]) -> "SlackSettings":
        mode = str(section.get("mode", "socket")).strip().lower()
        if mode not in MODES:
            raise SettingsError(f"[slack] mode must be one of {', '.join(MODES)}, not {mode!r}")
        port = section.get("http_port", 3000)
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise SettingsError("[slack] http_port must be a port number (0 picks a free one)")
        base = str(section.get("api_base_url") or DEFAULT_API_BASE_URL)
        if not base.startswith(("https://", "http://")):
            raise SettingsError("[slack] api_base_url must be an http(s) URL")
        admins = section.get("admin_user_ids", [])
        if isinstance(admins, str) or not all(isinstance(a, str) for a in admins):  # type: ignore[union-attr]
            raise SettingsError('[slack] admin_user_ids must be a list of user ids, e.g. ["U0123ABCD"]')
        return cls(
            mode=mode,
            http_host=str(section.get("http_host", "127.0.0.1")),
            http_port=port,
            api_base_url=base if base.endswith("/") else base + "/",
            admin_user_ids=frozenset(a.strip() for a in admins if a.strip()),  # type: ignore[union-attr]
            bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        )

    def missing_env(self) -> list[str]:
        """Names (never values) of the environment variables this mode still needs."""
        have = {"SLACK_BOT_TOKEN": self.bot_token, "SLACK_APP_TOKEN": self.app_token,
                "SLACK_SIGNING_SECRET": self.signing_secret}
        return [name for name in REQUIRED_ENV[self.mode] if not have[name]]
