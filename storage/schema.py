"""Schema versions, applied in order and recorded in PRAGMA user_version."""
from __future__ import annotations

from storage.migrations import (m001_results, m002_outbox, m003_source_state, m004_linking, m005_delivery_fencing,
                                m006_change_feed, m007_seen_requests, m008_partial_fields,
                                m009_athlete_aliases, m010_race_key_parts, m011_athlete_ids_by_athlete,
                                m012_follows, m013_installs)

MIGRATIONS: list[str] = [m001_results.SQL, m002_outbox.SQL, m003_source_state.SQL, m004_linking.SQL,
                         m005_delivery_fencing.SQL, m006_change_feed.SQL, m007_seen_requests.SQL,
                         m008_partial_fields.SQL, m009_athlete_aliases.SQL, m010_race_key_parts.SQL,
                         m011_athlete_ids_by_athlete.SQL, m012_follows.SQL, m013_installs.SQL]

VERSION = len(MIGRATIONS)
