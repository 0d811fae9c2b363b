"""Version 4: one race is one race, whatever the sources (record linking, issue 11).

results.origin: the precedence of the source that gave the shown version (bot.domain.precedence).
result_alternates: every other source's version of a linked result that disagrees; a lower
precedence never replaces the shown one, a higher one does and the replaced one is kept here
(both by the triggers, so every write path, the bulk import's included, obeys the same rule;
DELETE then INSERT, as inside a trigger SQLite applies the outer upsert's ABORT policy, not the
trigger's own OR REPLACE; the same version again changes nothing).
competition_aliases: the names and venues other sources gave a competition, so the next import
of any of them joins it at once.
races.venues: a race run in several places at once (the 2020 virtual races): not a meeting.
"""

SQL = """
ALTER TABLE results ADD COLUMN origin INTEGER NOT NULL DEFAULT 1;
ALTER TABLE races ADD COLUMN venues TEXT NOT NULL DEFAULT '';
CREATE TABLE competition_aliases (
    competition_id INTEGER NOT NULL REFERENCES competitions(id), name_key TEXT NOT NULL,
    venue_key TEXT NOT NULL, name TEXT NOT NULL, venue TEXT NOT NULL,
    PRIMARY KEY (name_key, venue_key, competition_id)) WITHOUT ROWID;
CREATE TABLE result_alternates (
    race_id INTEGER NOT NULL REFERENCES races(id), athlete_id INTEGER NOT NULL REFERENCES athletes(id),
    origin INTEGER NOT NULL, place INTEGER, mark TEXT NOT NULL, value REAL, status TEXT NOT NULL,
    flags TEXT NOT NULL, note TEXT NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (race_id, athlete_id, origin)) WITHOUT ROWID;
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
