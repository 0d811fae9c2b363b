"""Schema versions, applied in order and recorded in PRAGMA user_version."""
from __future__ import annotations

from storage.migrations import m001_results, m002_outbox, m003_source_state, m004_linking, m099_partial_fields

MIGRATIONS: list[str] = [m001_results.SQL, m002_outbox.SQL, m003_source_state.SQL, m004_linking.SQL,
                         m099_partial_fields.SQL]

VERSION = len(MIGRATIONS)
