"""The store's roles: what the core needs from storage, one Protocol per kind of use.

storage/ implements them all (bot.backend.Store is their union); each consumer is typed by the
roles it uses. Here: `Queries` (reads for commands and indexes), `Profiles` (ids for links), `Writes` (the unit of work,
`WriteTx`, `BulkWrite`), `Changes` (the change feed), `Meta`, `Lifecycle`, `SeenRequests`,
`Installs` and `InstallStates` (the Slack adapter's installations), and
the plain data they pass. The outbox's roles are in bot.announce.store, the sources' in
bot.sources.state and bot.sources.health.
"""
from bot.store.changes import Change, Changes
from bot.store.installs import Install, Installs, InstallStates
from bot.store.meta import Lifecycle, Meta, SeenRequests
from bot.store.plans import (Identities, NewAthlete, NewCompetition, NewRace, ResultWrite, StatedBest, WritePlan,
                             WriteSummary)
from bot.store.profiles import Profiles
from bot.store.queries import AthleteStat, IndexReads, PairStat, Queries, SourceSpan
from bot.store.writes import BulkWrite, Writes, WriteTx

__all__ = ["AthleteStat", "BulkWrite", "Change", "Changes", "Identities", "IndexReads", "Install", "Installs", "InstallStates", "Lifecycle", "Meta", "NewAthlete",
           "NewCompetition", "NewRace", "PairStat", "Profiles", "Queries", "ResultWrite", "SeenRequests", "SourceSpan",
           "StatedBest", "WritePlan", "WriteSummary", "WriteTx", "Writes"]
