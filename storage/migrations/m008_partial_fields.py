"""Version 8: races known only in part, and the sources' own race keys (issue 12).

races.partial: the source that gave the race knows only some of its results (athletes' race
histories hold their own rows of a race, not the whole field); /results then says how many
finishers racebot knows unless the places known run from 1 to the last without a gap.
race_keys: a source's own identity for a race (Tilastopaja: competition, date, event, round),
so importing it again finds the race even after record linking merged it into another source's.
athlete_bests: personal bests as a source states them (the histories carry them as of mid-2024),
apart from the bests racebot computes from its own results; indoor and outdoor kept apart.
"""

SQL = """
ALTER TABLE races ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
CREATE TABLE race_keys (
    key TEXT PRIMARY KEY, race_id INTEGER NOT NULL REFERENCES races(id)) WITHOUT ROWID;
CREATE INDEX race_keys_race ON race_keys (race_id);
CREATE TABLE athlete_bests (
    athlete_id INTEGER NOT NULL REFERENCES athletes(id), event TEXT NOT NULL, indoor INTEGER NOT NULL,
    mark TEXT NOT NULL, value REAL, day TEXT, competition TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL, PRIMARY KEY (athlete_id, event, indoor)) WITHOUT ROWID;
"""
