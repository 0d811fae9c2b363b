"""Settings for the World Athletics source (built from `[sources.worldathletics]` and the environment).

The API is unofficial: the defaults are the endpoint and public web key that the `worldathletics`
PyPI package (1.2.4, `async_base_client.py`) publishes. Both rotate; see README-snippet.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_ENDPOINT = "https://graphql-prod-4746.prod.aws.worldathletics.org/graphql"
DEFAULT_API_KEY = "da2-fcprvsdozzce5dx2baifenjwpu"
DEFAULT_SERIES = ("Diamond League", "World Championships", "World Indoor Championships", "Olympic Games")

ENV_ENDPOINT = "RACEBOT_WA_ENDPOINT"
ENV_API_KEY = "RACEBOT_WA_API_KEY"


@dataclass(frozen=True)
class WASettings:
    endpoint: str = DEFAULT_ENDPOINT
    api_key: str = field(default=DEFAULT_API_KEY, repr=False)  # never printed, never logged
    timeout_seconds: float = 10.0
    retry_attempts: int = 4  # tries per request, the first one included
    backoff_initial_seconds: float = 1.0
    backoff_max_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0  # a longer Retry-After gives up instead of waiting
    breaker_failures: int = 3  # consecutive failed requests that open the circuit
    breaker_reset_seconds: float = 60.0  # an open circuit lets one request through this often
    series: tuple[str, ...] = DEFAULT_SERIES  # which calendar series poll() follows
    competitions: tuple[int, ...] = ()  # extra competition ids to follow whatever their series
    calendar_refresh_minutes: float = 360.0
    lookback_days: int = 7
    lookahead_days: int = 14
    settle_days: int = 1  # days after the end when results count as final (late DQs come in)
    live_poll_seconds: float = 60.0
    idle_poll_seconds: float = 900.0
    user_agent: str = "racebot"

