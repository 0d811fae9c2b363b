"""Config and environment for the World Athletics source, health bookkeeping, and import rules."""
from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.sources.health import SourceHealth
from bot.sources.worldathletics import WASettings
from bot.sources.worldathletics.resilience import CircuitBreaker, retry_after_seconds
from bot.sources.worldathletics.settings import DEFAULT_API_KEY, DEFAULT_ENDPOINT
from racebot.config import ConfigError, parse

PACKAGE = Path(__file__).parents[2] / "bot" / "sources" / "worldathletics"


def wa_settings(section: dict, env: dict) -> WASettings:
    return parse({"sources": {"worldathletics": section}}).sources.worldathletics.settings(env)


def test_defaults_are_the_published_endpoint_and_key():
    s = wa_settings({}, {})
    assert (s.endpoint, s.api_key) == (DEFAULT_ENDPOINT, DEFAULT_API_KEY)
    assert DEFAULT_ENDPOINT.startswith("https://") and DEFAULT_ENDPOINT.endswith("/graphql")


def test_config_then_environment_override():
    section = {"enabled": True, "endpoint": "https://example.invalid/graphql",
               "series": ["Diamond League"], "competitions": [7153968], "timeout_seconds": 5}
    s = wa_settings(section, {})
    assert (s.endpoint, s.api_key, s.series, s.competitions, s.timeout_seconds) == (
        "https://example.invalid/graphql", DEFAULT_API_KEY, ("Diamond League",), (7153968,), 5)
    env = {"RACEBOT_WA_ENDPOINT": "https://new-host.invalid/graphql", "RACEBOT_WA_API_KEY": "da2-rotated"}
    s = wa_settings(section, env)
    assert (s.endpoint, s.api_key) == ("https://new-host.invalid/graphql", "da2-rotated")
    assert "da2-rotated" not in repr(s)


def test_config_mistakes_are_reported():
    with pytest.raises(ConfigError, match="sources.worldathletics.timeout: unknown key"):
        wa_settings({"timeout": 3}, {})
    with pytest.raises(ConfigError, match="sources.worldathletics.endpoint: expected a URL"):
        wa_settings({"endpoint": "graphql-prod.example"}, {})
    with pytest.raises(ConfigError, match="api_key: must not be in the config file; set RACEBOT_WA_API_KEY"):
        wa_settings({"api_key": "from-config"}, {})


def test_breaker_half_open_lets_exactly_one_trial_through():
    now = [0.0]
    breaker = CircuitBreaker(failures=2, reset_seconds=60, clock=lambda: now[0])
    breaker.record_failure()
    breaker.before_request()  # one failure: still closed
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 60
    breaker.before_request()  # the trial
    with pytest.raises(Exception, match="paused"):
        breaker.before_request()  # a second caller while the trial is out
    breaker.record_success()
    assert breaker.state == "closed"


def test_retry_after_header_forms():
    now = datetime(2024, 5, 30, 20, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Thu, 30 May 2024 20:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_health_tracks_a_run_of_failures():
    health = SourceHealth("worldathletics")
    t0 = datetime(2024, 5, 30, 20, tzinfo=timezone.utc)
    assert health.failing_for(t0) is None
    health.record_failure(t0, "HTTP 502")
    health.record_failure(t0 + timedelta(minutes=5), "HTTP 502 again")
    assert health.failing_for(t0 + timedelta(minutes=30)) == timedelta(minutes=30)
    assert health.last_error == "HTTP 502 again" and not health.ok
    health.record_success(t0 + timedelta(hours=1))
    assert health.ok and health.failing_for(t0 + timedelta(hours=2)) is None


def test_the_source_imports_no_platform_storage_or_database_code():
    forbidden = ("discord", "slack_bolt", "slack_sdk", "aiosqlite", "sqlite3", "storage", "adapters", "racebot")
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
        assert len(path.read_text().splitlines()) <= 300, f"{path.name} is too long"
