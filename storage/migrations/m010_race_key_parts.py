"""Version 10: one source key, several races (issue 12).

The histories give one key (competition, date, event, round) to two races of one event and day
(Zürich 2021: the Diamond League 400m hurdles and a promotional race); record linking splits such
a race athlete by athlete (bot.ingest.linking.split), so a key now names each race it became.
"""

SQL = """
CREATE TABLE race_keys_v10 (
    key TEXT NOT NULL, race_id INTEGER NOT NULL REFERENCES races(id), PRIMARY KEY (key, race_id)) WITHOUT ROWID;
INSERT INTO race_keys_v10 SELECT key, race_id FROM race_keys;
DROP TABLE race_keys;
ALTER TABLE race_keys_v10 RENAME TO race_keys;
CREATE INDEX race_keys_race ON race_keys (race_id);
"""
