"""Version 3: what each result source fetched, and its health (World Athletics issue).

wa_fetch: per World Athletics competition, day and event, the hash of the last stored answer.
wa_days: which competition days are settled (over, never fetched again).
source_health: per source, the last poll's outcome for /status and the admin alert; times are
UTC ISO-8601 with microseconds, one fixed format, so text order is time order.
"""

SQL = """
CREATE TABLE IF NOT EXISTS wa_fetch (
    competition_id INTEGER NOT NULL, day INTEGER NOT NULL, event_id INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (competition_id, day, event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wa_days (
    competition_id INTEGER NOT NULL, day INTEGER NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (competition_id, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_health (
    source TEXT PRIMARY KEY,
    last_success TEXT, last_error TEXT NOT NULL DEFAULT '', last_error_at TEXT,
    failing_since TEXT, next_poll TEXT, circuit TEXT NOT NULL DEFAULT 'closed',
    alerted_since TEXT);
"""
