"""What the Slack adapter is configured with: `[slack]` plus the tokens from the environment,
put together by the config loader in racebot/.

Importing this module costs nothing: slack_bolt loads only when an adapter is built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Secrets never come from the TOML file: each is read from its environment variable into a field.
SECRET_ENV = {"SLACK_BOT_TOKEN": "bot_token", "SLACK_APP_TOKEN": "app_token", "SLACK_SIGNING_SECRET": "signing_secret",
              "SLACK_CLIENT_SECRET": "client_secret", "SLACK_TOKEN_KEY": "token_key"}
CLIENT_ID_ENV = "SLACK_CLIENT_ID"  # not a secret: `[slack] client_id` may hold it instead
# Which of them each mode needs.
REQUIRED_ENV = {
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"),
    "http": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"),
    # Many workspaces: each one's bot token comes from its install (adapters/slack/installs.py).
    "oauth": ("SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"),
}
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


@dataclass(frozen=True)
class SlackSettings:
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    http_path: str = "/slack/events"
    api_base_url: str = "https://slack.com/api/"
    admin_user_ids: frozenset[str] = frozenset()
    # The OAuth install flow (HTTP mode only): set, racebot serves INSTALL_PATH and REDIRECT_PATH
    # and answers each workspace with the bot token its install left in the store.
    client_id: str = ""
    redirect_uri: str = ""  # as set in the app's OAuth settings; "" lets Slack use the only one there
    # repr=False keeps tokens out of logs, tracebacks and test failure output.
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    client_secret: str = field(default="", repr=False)
    token_key: str = field(default="", repr=False)  # Fernet key(s) sealing stored bot tokens

    @property
    def oauth(self) -> bool:
        return bool(self.client_id)

    def missing_env(self) -> list[str]:
        """Names (never values) of the environment variables this mode still needs."""
        needed = REQUIRED_ENV["oauth" if self.oauth else self.mode]
        return [name for name in needed if not getattr(self, SECRET_ENV[name])]
