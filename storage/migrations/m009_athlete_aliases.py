"""Version 9: the names an athlete was known by before a source named them otherwise (issue 12).

When the histories' "Pedro Pablo Pichardo" turns out to be the archive's "Pedro Pichardo"
(bot.ingest.planner._same_person), the athlete is shown by the newer name; the older one is kept
here so that fans typing it, and files naming it, still find the same athlete.
"""

SQL = """
CREATE TABLE athlete_aliases (
    athlete_id INTEGER NOT NULL REFERENCES athletes(id), name TEXT NOT NULL, given TEXT NOT NULL,
    family TEXT NOT NULL, PRIMARY KEY (athlete_id, name)) WITHOUT ROWID;
"""
