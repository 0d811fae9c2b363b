"""Slack adapter. `from_config` is cheap to import: slack_bolt loads only when the adapter is built."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Mapping

from adapters.slack.settings import SlackSettings

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

log = logging.getLogger(__name__)


def from_config(core, section: Mapping[str, object], env: Mapping[str, str]) -> "SlackAdapter | None":
    """The adapter for `[slack]`, or None (logged, naming variables but never values) when tokens are missing.

    Raises `SettingsError` for a malformed section: a typo should stop start-up, not go quiet.
    """
    settings = SlackSettings.load(section, env)
    missing = settings.missing_env()
    if missing:
        log.info("Slack not started: %s not set (mode %s)", ", ".join(missing), settings.mode)
        return None
    from adapters.slack.adapter import SlackAdapter

    return SlackAdapter(core, settings)
