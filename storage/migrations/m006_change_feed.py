"""Version 6: the change feed, one row per race whose results changed and per athlete added.

Written in the same transaction as the change itself, by every path that writes results (see
storage/changes.py), so a reader that has seen sequence number N has seen everything before it.
A running bot reads it to notice another process's import; incremental indexes and another
store engine read the same sequence. `at` is UTC ISO-8601, for people reading it.
"""

SQL = """
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    race_id INTEGER,
    athlete_id INTEGER,
    at TEXT NOT NULL);
"""
