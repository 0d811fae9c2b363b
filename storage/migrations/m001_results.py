"""Version 1: athletes, their source ids, competitions, races and results."""

SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE athletes (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, given TEXT NOT NULL, family TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '', gender TEXT NOT NULL DEFAULT '',
    birth_year INTEGER, birth_date TEXT);
CREATE TABLE athlete_ids (
    scheme TEXT NOT NULL, source_id TEXT NOT NULL, athlete_id INTEGER NOT NULL REFERENCES athletes(id),
    PRIMARY KEY (scheme, source_id)) WITHOUT ROWID;
CREATE TABLE competitions (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, venue TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '', start_date TEXT NOT NULL, end_date TEXT NOT NULL,
    series TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '');
CREATE TABLE races (
    id INTEGER PRIMARY KEY, competition_id INTEGER NOT NULL REFERENCES competitions(id),
    event TEXT NOT NULL, gender TEXT NOT NULL, round TEXT NOT NULL, race_no INTEGER NOT NULL,
    day TEXT NOT NULL, wind REAL, label TEXT NOT NULL DEFAULT '',
    UNIQUE (competition_id, day, event, gender, round, race_no));
CREATE INDEX races_event ON races (event, gender, day);
CREATE TABLE results (
    race_id INTEGER NOT NULL REFERENCES races(id), athlete_id INTEGER NOT NULL REFERENCES athletes(id),
    place INTEGER, mark TEXT NOT NULL, value REAL, status TEXT NOT NULL DEFAULT '', wind REAL,
    flags TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (race_id, athlete_id)) WITHOUT ROWID;
CREATE INDEX results_athlete ON results (athlete_id, race_id);
"""
