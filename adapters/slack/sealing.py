"""Bot tokens at rest: sealed with Fernet (AES-128-CBC with an HMAC, from `cryptography`) when
`SLACK_TOKEN_KEY` is set, else kept as they are, marked so that setting a key later still reads them.

A store copy, a backup or a stray `SELECT` then shows no usable token. The key is one Fernet key,
or several separated by commas to rotate: the first seals, every one opens (MultiFernet).
"""
from __future__ import annotations

import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import NotStarted

log = logging.getLogger(__name__)

SEALED, PLAIN = "fernet:", "plain:"


class NoToken(Exception):
    """A workspace is installed but its token cannot be opened here (no key, or another key)."""


class TokenSeal:
    def __init__(self, key: str) -> None:
        try:
            keys = [Fernet(k.strip().encode()) for k in key.split(",") if k.strip()]
        except ValueError:  # never the key's text in the message
            raise NotStarted("SLACK_TOKEN_KEY is not a Fernet key (32 url-safe base64 bytes; make one with "
                             "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
                             ) from None
        self._fernet = MultiFernet(keys) if keys else None

    @property
    def sealing(self) -> bool:
        return self._fernet is not None

    def seal(self, token: str) -> str:
        if self._fernet is None:
            return PLAIN + token
        return SEALED + self._fernet.encrypt(token.encode()).decode()

    def open(self, sealed: str) -> str | None:
        """The token, or None when it cannot be read here (sealed and no key, or another key)."""
        if sealed.startswith(PLAIN):
            return sealed[len(PLAIN):]
        if sealed.startswith(SEALED) and self._fernet is not None:
            try:
                return self._fernet.decrypt(sealed[len(SEALED):].encode()).decode()
            except InvalidToken:
                pass
        log.error("a stored Slack bot token cannot be opened: SLACK_TOKEN_KEY is missing or not the key "
                  "it was sealed with (that workspace must install racebot again)")
        return None
