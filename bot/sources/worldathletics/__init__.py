"""World Athletics' public (unofficial) GraphQL API as a racebot result source.

The names below load on first use (PEP 562): reading the config imports `.settings`, and a
one-shot command must not pay for the HTTP client, the retry policy and the poller with it.
"""
from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "CalendarEntry": ".calendar", "AuthRejected": ".errors", "CircuitOpen": ".errors", "PayloadInvalid": ".errors",
    "QueryFailed": ".errors", "Unavailable": ".errors", "WAError": ".errors", "MonitoredSource": ".monitored",
    "Competitor": ".profiles", "WASettings": ".settings", "PollBatch": ".source", "WorldAthleticsSource": ".source",
    "DayMark": "bot.sources.state", "FetchKey": "bot.sources.state", "FetchState": "bot.sources.state",
    "InMemoryFetchState": "bot.sources.state",
}
__all__ = sorted(_WHERE)

if TYPE_CHECKING:
    from bot.sources.state import DayMark, FetchKey, FetchState, InMemoryFetchState

    from .calendar import CalendarEntry
    from .errors import AuthRejected, CircuitOpen, PayloadInvalid, QueryFailed, Unavailable, WAError
    from .monitored import MonitoredSource
    from .profiles import Competitor
    from .settings import WASettings
    from .source import PollBatch, WorldAthleticsSource


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name], __name__), name)
