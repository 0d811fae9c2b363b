"""Match incoming rows to the athletes, competitions and races we already know.

Pure bookkeeping over an `Identities` snapshot: the result is a WritePlan the store
applies in one transaction, so a file is imported whole or not at all.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from typing import Any

from rapidfuzz import fuzz

from bot.domain.disciplines import discipline_or_custom
from bot.errors import ImportFailed
from bot.ingest.rows import BestRow, ResultRow
from bot.domain.marks import MarkError, parse_mark
from bot.domain.models import Competition
from bot.search.names import fold, split_name
from bot.store import (Identities, NewAthlete, NewCompetition, NewRace, ResultWrite, StatedBest, WritePlan)

SAME_MEETING_DAYS = 4
NAME_SIMILARITY = 80


@dataclass
class _RaceSlot:
    ident: int
    results: dict[int, str]  # athlete -> mark, for joining a race by an athlete's mark


def twice(first_line: int, name: str) -> str:
    """Two rows of one race became one athlete: never kept silently, even as an exact repeat
    (one would overwrite the other, or a file was joined to itself)."""
    return (f"{name} is already in this race on line {first_line}; if they are two people, "
            "add athlete_id to tell them apart")


class Planner:
    def __init__(self, ids: Identities, path: str, *, strict: bool = True) -> None:
        self.path = path
        self.strict = strict
        self.plan = WritePlan()
        self._next = -1
        self._source_ids = dict(ids.source_ids)
        self._by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._by_first: dict[tuple[str, str], list[int]] = defaultdict(list)  # (first name word, country)
        self._by_last: dict[tuple[str, str], list[int]] = defaultdict(list)  # (last name word, country)
        # Filed on the first question only (_same_person): most imports never ask, and filing every
        # stored athlete's words was half of a planner's start (0.9 s at 130k athletes).
        self._unfiled: list[tuple[int, str, str]] | None = []
        self._stored = ids.athletes
        self._birth: dict[int, int | None] = {}
        self._gender: dict[int, str] = {}
        self._schemes: dict[int, set[str]] = defaultdict(set)
        # (scheme, table, key) -> (athletes of the bucket looked at, those of them the scheme does not know)
        self._unknown: dict[tuple[str, int, tuple[str, str]], tuple[int, list[int]]] = {}
        self._strangers: dict[str, int] = {}  # scheme -> filed athletes it does not know (_same_person)
        for (scheme, _), aid in ids.source_ids.items():
            self._schemes[aid].add(scheme)
        self.names: dict[int, str] = {}  # athlete -> display name, for messages
        country: dict[int, str] = {}
        for a in ids.athletes:
            country[a.id] = a.country
            self._by_name[(fold(a.name), a.country)].append(a.id)
            self.names[a.id] = a.name
            self._birth[a.id] = a.birth_year
            self._gender[a.id] = a.gender
        for aid, name, _, _ in ids.athlete_aliases:  # an older name still finds the athlete
            self._by_name[(fold(name), country.get(aid, ""))].append(aid)
        # Competitions by every day they could be matched on, so matching is not a scan of all.
        self._aliases: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for cid, name_key, venue_key in ids.aliases:
            self._aliases[cid].add((name_key, venue_key))
        self._by_day: dict[date, list[Competition | NewCompetition]] = defaultdict(list)
        for c in ids.competitions:
            self._index_competition(c)
        self._races: dict[tuple[Any, ...], dict[int, int]] = defaultdict(dict)  # key -> {race_no: id}
        for r in ids.races:
            self._races[(r.competition_id, r.day, r.event, r.gender, r.round)][r.race_no] = r.id
        self._slots: dict[int, _RaceSlot] = {}
        self._entered: dict[tuple[int, int], int] = {}  # (race, athlete) -> its first line
        self._race_keys = dict(ids.race_keys)
        self._newcomers: dict[str, int] = {}  # a key of several races -> the race of athletes none holds

    def _key(self) -> int:
        self._next -= 1
        return self._next

    def fail(self, row: ResultRow, reason: str) -> ImportFailed:
        return ImportFailed(self.path, row.line, reason)

    # --- athletes ------------------------------------------------------------------------
    def athlete(self, row: ResultRow) -> int:
        display, given, family = split_name(row.athlete)
        if not display:
            raise self.fail(row, "the athlete's name is empty")
        scheme_key = (row.id_scheme, row.athlete_id) if row.athlete_id else None
        if scheme_key and scheme_key in self._source_ids:
            return self._source_ids[scheme_key]
        name_key = (fold(display), row.country)
        matches = [a for a in self._by_name.get(name_key, [])
                   if self._birth_fits(a, row.birth_year)
                   and not (scheme_key and row.id_scheme in self._schemes[a])]
        if len(matches) > 1:
            raise self.fail(row, f"two athletes are called {display} ({row.country}); "
                                 "add athlete_id to say which")
        if not matches and scheme_key:
            matches = self._same_person(display, row)
            for aid in matches:  # the name this source gives is shown from now on (the newer one)
                self.plan.renames.append((aid, display, given, family, row.birth_year, row.birth_date))
                self._by_name[name_key].append(aid)
                self.names[aid] = display
        if matches:
            aid = matches[0]
        else:
            aid = self._key()
            self.plan.athletes.append(NewAthlete(aid, display, given, family, row.country, row.gender,
                                                 row.birth_year, row.birth_date))
            self._by_name[name_key].append(aid)
            self._file_name(aid, display, row.country)
            self._birth[aid] = row.birth_year
            self._gender[aid] = row.gender
            self.names[aid] = display
        if scheme_key:
            self._source_ids[scheme_key] = aid
            known = self._schemes[aid]
            if row.id_scheme not in known and row.id_scheme in self._strangers:
                self._strangers[row.id_scheme] -= 1
            known.add(row.id_scheme)
            self.plan.source_ids.append((scheme_key[0], scheme_key[1], aid))
        return aid

    def _file_name(self, aid: int, name: str, country: str) -> None:
        if self._unfiled is not None:
            self._unfiled.append((aid, name, country))
            return
        for scheme in self._strangers:
            if scheme not in self._schemes.get(aid, ()):
                self._strangers[scheme] += 1
        words = _words(name)
        self._by_first[(words[0], country)].append(aid)
        self._by_last[(words[-1], country)].append(aid)

    def _same_person(self, display: str, row: ResultRow) -> list[int]:
        """The one athlete of this country whose name is this one spelt another way: with a middle
        or second family name more or less (the archive's "Henrik Ingebrigtsen" is the histories'
        "Henrik Børkja Ingebrigtsen"; "Sarah Atcho" is "Sarah Atcho-Jaquier"), or a first name
        transliterated otherwise ("Yuliia"/"Yuliya Levchenko", "Aikaterini"/"Ekateríni Stefanídi").
        Only for a row naming its source's id, only when no one else fits, and never an athlete
        that source already knows by another id."""
        if self._unfiled is not None:
            later, self._unfiled = self._unfiled, None
            for a in self._stored:
                self._file_name(a.id, a.name, a.country)
            for filing in later:
                self._file_name(*filing)
        if not self._strangers_to(row.id_scheme):  # every athlete has an id of this source: no one fits
            return []
        words = _words(display)
        near = set(self._unknown_to(row.id_scheme, self._by_first, (words[0], row.country))).union(
            self._unknown_to(row.id_scheme, self._by_last, (words[-1], row.country)))
        fits = [a for a in near if self._birth_fits(a, row.birth_year)
                and self._gender.get(a, "") in ("", row.gender) and _spelt_otherwise(words, _words(self.names[a]))]
        return fits if len(fits) == 1 else []

    def _strangers_to(self, scheme: str) -> int:
        """How many athletes (all filed by now) `scheme` does not know; counted once, then kept."""
        count = self._strangers.get(scheme)
        if count is None:
            count = self._strangers[scheme] = sum(scheme not in self._schemes.get(a, ()) for a in self.names)
        return count

    def _unknown_to(self, scheme: str, table: dict[tuple[str, str], list[int]], key: tuple[str, str]) -> list[int]:
        """The athletes filed in `table` under `key` whom `scheme` does not know. An athlete a scheme
        knows stays known to it, so each filed athlete is looked at about once per scheme, not on every
        question: a file of 50,000 new athletes, all with ids, asked this 50,000 times over buckets
        that grew to hundreds (a fifth of its planning)."""
        bucket = table.get(key, [])
        seen, kept = self._unknown.get((scheme, id(table), key), (0, []))
        if len(bucket) > seen or kept:
            schemes = self._schemes
            kept = [a for a in chain(kept, bucket[seen:]) if scheme not in schemes[a]]
            self._unknown[(scheme, id(table), key)] = (len(bucket), kept)
        return kept

    def _birth_fits(self, athlete: int, year: int | None) -> bool:
        known = self._birth.get(athlete)
        return known is None or year is None or known == year

    # --- competitions --------------------------------------------------------------------
    def competition(self, row: ResultRow, start: date, end: date) -> int:
        name, venue = fold(row.competition), fold(row.venue)
        earliest_end = end - timedelta(SAME_MEETING_DAYS)  # once, not per candidate: a busy day has hundreds
        for c in self._by_day.get(start, []):
            if c.end >= earliest_end:
                cid = c.id if isinstance(c, Competition) else c.key
                if (name, venue) in self._aliases.get(cid, ()):
                    return cid
                other = fold(c.venue)
                if venue and other and not (venue.startswith(other) or other.startswith(venue)):
                    continue  # two places ("Lausanne (Pontaise)" is Lausanne): two competitions
                # Sponsors rename meetings ("Ooredoo Doha Meeting"): one place on one day is one
                # competition. Named otherwise and placed otherwise, it can still join through its
                # races (storage.linking), and its name is then remembered as an alias.
                if (venue and other == venue) or fuzz.token_set_ratio(name, fold(c.name)) >= NAME_SIMILARITY:
                    # New ones too: else the next import of the same file adds the alias it lacked.
                    if (name, venue) != (fold(c.name), other):
                        self.plan.aliases.append((cid, row.competition.strip(), row.venue.strip()))
                        self._aliases[cid].add((name, venue))
                    return cid
        new = NewCompetition(self._key(), row.competition.strip(), row.venue.strip(),
                             row.extra.get("competition_country", ""), start, end,
                             row.series.strip(), row.category)
        self.plan.competitions.append(new)
        self._index_competition(new)
        return new.key

    def _index_competition(self, c: Competition | NewCompetition) -> None:
        day = c.start - timedelta(SAME_MEETING_DAYS)
        while day <= c.end:
            self._by_day[day].append(c)
            day += timedelta(1)

    # --- races ---------------------------------------------------------------------------
    def race(self, row: ResultRow, comp: int, event: str, athlete: int, mark: str,
             known_results: dict[int, list[tuple[int, str]]]) -> int:
        key = (comp, row.date, event, row.gender, row.round)
        races = self._races[key]
        if row.race_key:
            return self._keyed_race(row, key, athlete, known_results)
        if row.race is not None:
            found = races.get(row.race)
            return found if found is not None else self._new_race(row, key, row.race)
        if len(races) == 1:
            return next(iter(races.values()))
        if not races:
            return self._new_race(row, key, 1)
        for rid in races.values():
            if (athlete, mark) in known_results.get(rid, []) or self._slot_has(rid, athlete, mark):
                return rid
        # Another source's mark for them (a typo, a correction): the one race they ran that day.
        ran = [rid for rid in races.values()
               if any(a == athlete for a, _ in known_results.get(rid, [])) or self._slot_ran(rid, athlete)]
        if len(ran) == 1:
            return ran[0]
        raise self.fail(row, f"{row.event} had {len(races)} races on {row.date}: add the race number")

    def _keyed_race(self, row: ResultRow, key: tuple[Any, ...], athlete: int,
                    known_results: dict[int, list[tuple[int, str]]]) -> int:
        """A race the source names itself: found by that name, never by its number (a national
        race numbered 1 is not the Diamond League race numbered 1). New, it takes its number if
        free, and other sources' versions of it join it by record linking. A name that turned out
        to be two races (bot.ingest.linking.split) finds the one holding this athlete; an athlete
        none holds goes to a new race, which record linking places in turn."""
        found = self._race_keys.get(row.race_key, ())
        if len(found) == 1:
            return found[0]
        for rid in found:
            if any(a == athlete for a, _ in known_results.get(rid, [])) or self._slot_ran(rid, athlete):
                return rid
        newcomer = self._newcomers.get(row.race_key) if found else None
        if newcomer is not None:
            return newcomer
        taken = self._races[key]
        number = row.race or 1
        rid = self._new_race(row, key, number if number not in taken else max(taken) + 1)
        if found:
            self._newcomers[row.race_key] = rid
        else:
            self._race_keys[row.race_key] = (rid,)
        self.plan.race_keys.append((row.race_key, rid))
        return rid

    def _slot_has(self, rid: int, athlete: int, mark: str) -> bool:
        slot = self._slots.get(rid)
        return bool(slot and slot.results.get(athlete) == mark)

    def _slot_ran(self, rid: int, athlete: int) -> bool:
        slot = self._slots.get(rid)
        return bool(slot and athlete in slot.results)

    def _new_race(self, row: ResultRow, key: tuple[Any, ...], race_no: int) -> int:
        rid = self._key()
        label = row.race_label
        if row.venues:  # shown wherever the race is: it was not one field racing side by side
            label = (f"{label} · " if label else "") + f"run in several places ({row.venues})"
        self.plan.races.append(NewRace(rid, key[0], key[2], row.gender, row.round, race_no, row.date,
                                       row.wind, label, row.venues, row.partial_field))
        self._races[key][race_no] = rid
        return rid

    # --- rows ----------------------------------------------------------------------------
    def add(self, row: ResultRow, comp: int, known_results: dict[int, list[tuple[int, str]]]) -> None:
        d = discipline_or_custom(row.event)
        try:
            mark = parse_mark(d, row.mark, strict=self.strict)
        except MarkError as exc:
            raise self.fail(row, f"{row.athlete}: {exc}") from None
        if row.place is not None and row.place < 1:
            raise self.fail(row, f"place {row.place} is not a place")
        athlete = self.athlete(row)
        race = self.join(row, comp, d.code, athlete, mark.text, known_results)
        first = self._entered.setdefault((race, athlete), row.line)
        if first != row.line:
            raise self.fail(row, twice(first, self.names[athlete]))
        note = "DOP" if row.annulled else row.note
        self.plan.results.append(ResultWrite(race, athlete, row.place, mark.text, mark.value, mark.status,
                                             row.wind, " ".join(row.flags), note, row.source, row.origin))

    def add_best(self, best: BestRow) -> None:
        """A stated best of an athlete this import's rows named; a mark that is no mark is dropped
        (a best is extra information: it never stops the file)."""
        athlete = self._source_ids.get((best.id_scheme, best.athlete_id))
        d = discipline_or_custom(best.event)
        try:
            mark = parse_mark(d, best.mark, strict=False)
        except MarkError:
            return
        if athlete is not None and mark.ok and mark.value is not None:  # ok: it has a value
            self.plan.bests.append(StatedBest(athlete, d.code, "indoor" in d.code.partition("/")[2], mark.text,
                                              mark.value, best.day, best.competition, best.source,
                                              d.higher_is_better))

    def join(self, row: ResultRow, comp: int, event: str, athlete: int, mark: str,
             known_results: dict[int, list[tuple[int, str]]]) -> int:
        """The race this result belongs to, remembered so a later numberless row can join it by mark."""
        race = self.race(row, comp, event, athlete, mark, known_results)
        self._slots.setdefault(race, _RaceSlot(race, {})).results[athlete] = mark
        return race

    def existing_races(self, row: ResultRow, comp: int) -> list[int]:
        """Stored races a numberless row might join, when there is more than one to choose from
        (or a keyed row, when its source's key turned out to be several races)."""
        if row.race_key:
            keyed = self._race_keys.get(row.race_key, ())
            return [rid for rid in keyed if rid > 0] if len(keyed) > 1 else []
        races = self._races.get((comp, row.date, discipline_or_custom(row.event).code, row.gender, row.round), {})
        return [rid for rid in races.values() if rid > 0] if row.race is None and not row.race_key and len(races) > 1 else []


GIVEN_NAME_FUZZ = 80  # "yuliia" v "yuliya" 83, "aikaterini" v "ekaterini" 84; "kevin" v "dylan" 20


def _words(name: str) -> list[str]:
    return fold(name).replace("-", " ").split() or [""]


def _spelt_otherwise(a: list[str], b: list[str]) -> bool:
    if a == b or min(len(a), len(b)) < 2:
        return False
    if len(a) == len(b) == 2 and a[1] == b[1]:  # short first names differ too little: Anna, Hanna
        return min(len(a[0]), len(b[0])) >= 5 and fuzz.ratio(a[0], b[0]) >= GIVEN_NAME_FUZZ
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    rest = iter(long_[1:])  # the shorter name's words within the longer one, in order
    return short[0] == long_[0] and all(w in rest for w in short[1:])
