"""Which store a URL names, and its password kept out of sight: the rules `[storage] url`,
RACEBOT_DATABASE_URL and the store's own messages share."""
from __future__ import annotations

from urllib.parse import urlsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: str) -> bool:
    return target.startswith(POSTGRES_SCHEMES)


def password_of(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:  # a port that is not a number: asyncpg says so when it connects
        return None
