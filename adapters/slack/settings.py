"""What the Slack adapter is configured with: `[slack]` plus the tokens from the environment,
put together by the config loader in racebot/.

Importing this module costs nothing: slack_bolt loads only when an adapter is built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Secrets never come from the TOML file: each is read from its environment variable into a field.
SECRET_ENV = {"SLACK_BOT_TOKEN": "bot_token", "SLACK_APP_TOKEN": "app_token", "SLACK_SIGNING_SECRET": "signing_secret"}
# Which of them each mode needs.
REQUIRED_ENV = {
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "http": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
}


@dataclass(frozen=True)
class SlackSettings:
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    http_path: str = "/slack/events"
    api_base_url: str = "https://slack.com/api/"
    admin_user_ids: frozenset[str] = frozenset()
    # repr=False keeps tokens out of logs, tracebacks and test failure output.
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)

    def missing_env(self) -> list[str]:
        """Names (never values) of the environment variables this mode still needs."""
        return [name for name in REQUIRED_ENV[self.mode] if not getattr(self, SECRET_ENV[name])]
