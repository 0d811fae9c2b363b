"""Version 8: races known only in part, and the sources' own race keys (issue 12).

races.partial: the source that gave the race knows only some of its results (athletes' race
histories hold their own rows of a race, not the whole field); /results then says how many
finishers racebot knows unless the places known run from 1 to the last without a gap.
race_keys: a source's own identity for a race (Tilastopaja: competition, date, event, round),
so importing it again finds the race even after record linking merged it into another source's.
athlete_bests: personal bests as a source states them (the histories carry them as of mid-2024),
apart from the bests racebot computes from its own results; indoor and outdoor kept apart.
The precedence triggers of version 4, rewritten: inside a trigger SQLite applies the outer
statement's conflict policy (an upsert's is ABORT), not the trigger's own OR REPLACE, so the second
import of a lower-precedence version failed on the alternate the first had kept. A changed version
now replaces the kept one (delete, then insert); the same version again changes nothing.
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
DROP TRIGGER results_lower_precedence;
CREATE TRIGGER results_lower_precedence BEFORE UPDATE ON results
WHEN NEW.origin < OLD.origin AND NEW.race_id = OLD.race_id AND NEW.athlete_id = OLD.athlete_id
BEGIN
    DELETE FROM result_alternates
     WHERE race_id = NEW.race_id AND athlete_id = NEW.athlete_id AND origin = NEW.origin
       AND (place IS NOT NEW.place OR mark IS NOT NEW.mark OR value IS NOT NEW.value OR status IS NOT NEW.status
            OR flags IS NOT NEW.flags OR note IS NOT NEW.note OR source IS NOT NEW.source);
    INSERT INTO result_alternates
        SELECT NEW.race_id, NEW.athlete_id, NEW.origin, NEW.place, NEW.mark, NEW.value, NEW.status,
               NEW.flags, NEW.note, NEW.source
        WHERE NOT EXISTS (SELECT 1 FROM result_alternates WHERE race_id = NEW.race_id
                          AND athlete_id = NEW.athlete_id AND origin = NEW.origin);
    SELECT RAISE(IGNORE);
END;
DROP TRIGGER results_superseded;
CREATE TRIGGER results_superseded AFTER UPDATE ON results
WHEN NEW.origin > OLD.origin AND NEW.race_id = OLD.race_id AND NEW.athlete_id = OLD.athlete_id
     AND (OLD.place IS NOT NEW.place OR OLD.mark IS NOT NEW.mark OR OLD.status IS NOT NEW.status)
BEGIN
    DELETE FROM result_alternates
     WHERE race_id = OLD.race_id AND athlete_id = OLD.athlete_id AND origin = OLD.origin
       AND (place IS NOT OLD.place OR mark IS NOT OLD.mark OR value IS NOT OLD.value OR status IS NOT OLD.status
            OR flags IS NOT OLD.flags OR note IS NOT OLD.note OR source IS NOT OLD.source);
    INSERT INTO result_alternates
        SELECT OLD.race_id, OLD.athlete_id, OLD.origin, OLD.place, OLD.mark, OLD.value, OLD.status,
               OLD.flags, OLD.note, OLD.source
        WHERE NOT EXISTS (SELECT 1 FROM result_alternates WHERE race_id = OLD.race_id
                          AND athlete_id = OLD.athlete_id AND origin = OLD.origin);
END;
"""
