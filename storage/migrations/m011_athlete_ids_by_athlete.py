"""Version 11: an athlete's source ids found by the athlete (issue 15).

Every /h2h and /athlete card links the athletes' World Athletics pages, read by athlete id from a
table keyed by (scheme, source_id): that read scanned the whole scheme, about 5 ms of the 5.5 ms
a /h2h took at a million results (58,000 ids). The index makes it two lookups.
"""

SQL = """
CREATE INDEX athlete_ids_athlete ON athlete_ids (athlete_id, scheme, source_id);
"""
