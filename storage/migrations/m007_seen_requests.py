"""Version 7: signed requests already accepted (Slack's), kept until their signature expires.

In the store, not in memory, so every replica that shares the store refuses a replay that
another one accepted. `expires_at` is UTC ISO-8601 with microseconds: text order is time order.
"""

SQL = """
CREATE TABLE IF NOT EXISTS seen_requests (
    key TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_requests_expiry ON seen_requests (expires_at);
"""
