"""Version 13: chat apps installed through Slack's OAuth flow, and the flow's one-time states.

One row per (platform, workspace): a reinstall replaces it, an uninstall deletes it. `secret`
is the bot token as the adapter sealed it (encrypted when a key is configured). `expires_at` and
`installed_at` are UTC ISO-8601 with microseconds: text order is time order.
"""

SQL = """
CREATE TABLE IF NOT EXISTS installs (
    platform TEXT NOT NULL,
    org TEXT NOT NULL,
    workspace TEXT NOT NULL,
    secret TEXT NOT NULL,
    details TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    PRIMARY KEY (platform, workspace)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS install_states (
    key TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS install_states_expiry ON install_states (expires_at);
"""
