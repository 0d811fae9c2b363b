"""Schema versions, applied in order and recorded in PRAGMA user_version."""
from __future__ import annotations

from storage.migrations import (m001_results, m002_outbox, m003_source_state, m004_change_feed,
                                m005_seen_requests)

MIGRATIONS: list[str] = [m001_results.SQL, m002_outbox.SQL, m003_source_state.SQL, m004_change_feed.SQL,
                         m005_seen_requests.SQL]

VERSION = len(MIGRATIONS)
