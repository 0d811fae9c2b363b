"""Where log lines go and what they may say: text for a terminal, JSON lines for a collector
(`[ops] log_format = "json"`), and never a secret in either.

Redaction is the last step of formatting, over the whole line (message, arguments and traceback
alike), so a token that reaches a log by any path (an SDK's exception, a URL in a warning) comes
out as ***: the values of the secret environment variables the config names, a password in a
URL's user part, and anything shaped like a Slack token.
"""
from __future__ import annotations

import json
import logging
import re
import weakref
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from adapters.discord.settings import TOKEN_ENV
from adapters.slack.settings import SECRET_ENV
from bot.sources.worldathletics.settings import ENV_API_KEY

# Every environment variable that holds a secret: the sections' `secrets` (tests check the list
# against them), PostgreSQL's password, and the database URL, which may carry one.
SECRET_ENV_NAMES = (TOKEN_ENV, *SECRET_ENV, ENV_API_KEY, "PGPASSWORD", "RACEBOT_DATABASE_URL")
MASK = "***"
_PATTERNS = (
    (re.compile(r"(?<=://)([^/\s:@]*):[^@\s/]+@"), rf"\1:{MASK}@"),  # scheme://user:password@host
    (re.compile(r"\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+"), MASK),  # Slack bot, user and app tokens
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_OURS: weakref.WeakSet[logging.Handler] = weakref.WeakSet()  # the handlers configure() installed


class Redactor:
    def __init__(self, env: Mapping[str, str]) -> None:
        # Longest first, so a secret that contains another is masked whole. Very short values
        # (a test's "x") would mask ordinary words: a real token is never that short.
        self.values = sorted({v for name in SECRET_ENV_NAMES if len(v := env.get(name, "").strip()) >= 6},
                             key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One object per line: time (UTC, ISO 8601), level, logger, message, exception (or null)."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        exception = None
        if record.exc_info:
            exception = self.formatException(record.exc_info)
        if record.stack_info:
            exception = "\n".join(filter(None, (exception, self.formatStack(record.stack_info))))
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
            "exception": self.redact(exception) if exception else None,
        }
        return json.dumps(line, ensure_ascii=False)


def configure(level: int, log_format: str, env: Mapping[str, str],
              handlers: Iterable[logging.Handler] | None = None) -> None:
    """The root logger's handler (stderr unless given), formatted and redacted as asked. As with
    logging.basicConfig, a root logger someone else equipped (a test runner's capture, an
    embedding program) is left alone unless `handlers` are given; ours are replaced."""
    root = logging.getLogger()
    if handlers is None and any(h not in _OURS for h in root.handlers):
        return
    redact = Redactor(env)
    formatter = JsonFormatter(redact) if log_format == "json" else TextFormatter(redact)
    for old in [h for h in root.handlers if h in _OURS]:
        root.removeHandler(old)
    for handler in handlers or [logging.StreamHandler()]:
        handler.setFormatter(formatter)
        _OURS.add(handler)  # ours to replace on the next call
        root.addHandler(handler)
    root.setLevel(level)
