"""Version 12: follows (issue 18): a person's alerts about athletes, sent to their direct messages.

Each follow points at its user's direct-message target, a `subscriptions` row whose channel is
`user:<id>` (bot.announce.publishing.ChannelRef.for_user): the outbox, its leases and its
exactly-once delivery serve follows unchanged. Followers are found per athlete (follows_athlete),
a user's last alert for the digest window by outbox_follow_due. Every write to follows appends
the follow's id to follow_changes, so a poller's map of followers reads only what changed.
No foreign key to athletes: a follow must not stop a merge of athletes (the merged-away id is not
yet moved to the kept one: noted in the report of issue 18).
"""

SQL = """
CREATE TABLE follows (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
    platform TEXT NOT NULL, workspace TEXT NOT NULL, user_id TEXT NOT NULL,
    athlete_id INTEGER NOT NULL, rival_id INTEGER NOT NULL DEFAULT 0,
    event TEXT NOT NULL DEFAULT '', alert_on TEXT NOT NULL DEFAULT 'results',
    spoilers TEXT NOT NULL DEFAULT 'off',
    created_at TEXT NOT NULL,
    gone_at TEXT, gone_detail TEXT NOT NULL DEFAULT '', gone_reported INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, workspace, user_id, athlete_id, rival_id, event));
CREATE INDEX follows_athlete ON follows (athlete_id);
CREATE INDEX outbox_follow_due ON outbox (subscription_id, due_at) WHERE kind = 'follow';
CREATE TABLE follow_changes (seq INTEGER PRIMARY KEY, follow_id INTEGER NOT NULL);
"""
