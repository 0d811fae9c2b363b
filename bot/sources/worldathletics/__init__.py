"""World Athletics' public (unofficial) GraphQL API as a racebot result source."""
from .calendar import CalendarEntry
from .errors import AuthRejected, CircuitOpen, PayloadInvalid, QueryFailed, Unavailable, WAError
from .monitored import MonitoredSource
from .profiles import Competitor
from .settings import WASettings
from .source import PollBatch, WorldAthleticsSource
from bot.sources.state import DayMark, FetchKey, FetchState, InMemoryFetchState

__all__ = [
    "AuthRejected", "CalendarEntry", "CircuitOpen", "Competitor", "DayMark", "FetchKey", "FetchState",
    "InMemoryFetchState", "MonitoredSource", "PayloadInvalid", "PollBatch", "QueryFailed",
    "Unavailable", "WAError", "WASettings", "WorldAthleticsSource",
]
