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

if TYPE_CHECKING:  # `as`: re-exported for the type checker
    from bot.sources.state import DayMark as DayMark, FetchKey as FetchKey, FetchState as FetchState
    from bot.sources.state import InMemoryFetchState as InMemoryFetchState

    from .calendar import CalendarEntry as CalendarEntry
    from .errors import AuthRejected as AuthRejected, CircuitOpen as CircuitOpen, PayloadInvalid as PayloadInvalid
    from .errors import QueryFailed as QueryFailed, Unavailable as Unavailable, WAError as WAError
    from .monitored import MonitoredSource as MonitoredSource
    from .profiles import Competitor as Competitor
    from .settings import WASettings as WASettings
    from .source import PollBatch as PollBatch, WorldAthleticsSource as WorldAthleticsSource


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name], __name__), name)
