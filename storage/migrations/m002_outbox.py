"""Version 2: subscriptions and the announcement outbox (scheduler issue).

Times are UTC ISO-8601 strings with microseconds ('2024-05-30T19:04:05.000000+00:00'), one fixed
format, so text comparison is time comparison.
"""

SQL = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL, workspace TEXT NOT NULL, channel TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    spoiler TEXT NOT NULL DEFAULT 'off',
    delay_minutes INTEGER NOT NULL DEFAULT 0,
    timezone TEXT NOT NULL DEFAULT 'UTC',
    created_at TEXT NOT NULL, created_by TEXT NOT NULL DEFAULT '',
    baseline_at TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    ended_at TEXT, ended_reason TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS subscriptions_channel ON subscriptions (platform, workspace, channel);
CREATE TABLE IF NOT EXISTS race_versions (
    race_id INTEGER PRIMARY KEY REFERENCES races(id),
    revision INTEGER NOT NULL, entries TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
    race_id INTEGER NOT NULL REFERENCES races(id),
    revision INTEGER NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, due_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    delivered_at TEXT, message_id TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',
    UNIQUE (subscription_id, race_id, revision));
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, due_at);
CREATE INDEX IF NOT EXISTS outbox_race ON outbox (race_id, subscription_id);
CREATE TABLE IF NOT EXISTS poll_state (
    source TEXT PRIMARY KEY, polls INTEGER NOT NULL DEFAULT 0, last_poll_at TEXT,
    lease_holder TEXT, lease_until TEXT);
"""
