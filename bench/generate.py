"""A deterministic synthetic results file at World Athletics scale, in the CSV interchange format.

    python bench/generate.py --results 1000000 --out bench/out/synthetic.csv

Shape: athletes race mostly within one or two events; each event has an elite who meet often
(0-40 times over the seasons) and a long tail; names carry accents, shared surnames and siblings.
The store is then built with `racebot import`, the production path (bench/ingest.py times it).
"""
from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

GIVEN = ["Jakob", "Filip", "Henrik", "Josh", "Timothy", "Faith", "Sifan", "Karsten", "Mondo", "Yaroslava",
         "Narve", "Zoë", "Ana", "José", "Łukasz", "Søren", "Renée", "Aleš", "Ólafur", "Çağla", "Mihaela",
         "Kenji", "Abel", "Gudaf", "Beatrice", "Hellen", "Selemon", "Joshua", "Grant", "Noah", "Fred",
         "Marileidy", "Shericka", "Femke", "Sydney", "Ryan", "Rai", "Tobi", "Jasmine", "Elaine"]
FAMILY = ["Ingebrigtsen", "Kerr", "Cheruiyot", "Kipyegon", "Hassan", "Warholm", "Duplantis", "Nordås",
          "Mahuchikh", "Kipsang", "Tsegay", "Chebet", "Obiri", "Barega", "Cheptegei", "Holloway", "Lyles",
          "Kerley", "Paulino", "Jackson", "Bol", "McLaughlin", "Crouser", "Benjamin", "Amusan", "Camacho-Quinn",
          "Jeruto", "Gebrhiwet", "Ståhl", "Ceh", "Vadlejch", "Pichardo", "Zango", "Hoare", "Wightman",
          "Grethen", "Tefera", "Girma", "El Bakkali", "Wanyonyi", "Kinyamal", "Arop", "Müller", "Núñez",
          "Gonçalves", "Ødegård", "Šimánek", "Wójcik", "Łęcki", "Žnidaršič"]
COUNTRIES = ["NOR", "GBR", "KEN", "ETH", "USA", "JAM", "SWE", "NED", "UKR", "POL", "ESP", "FRA", "GER",
             "ITA", "CAN", "AUS", "JPN", "BRA", "MAR", "UGA"]
EVENTS = [("100m", 9.6, 10.4), ("200m", 19.4, 21.0), ("400m", 43.5, 46.5), ("800m", 101.0, 107.0),
          ("1500m", 206.0, 222.0), ("5000m", 755.0, 800.0), ("3000m SC", 470.0, 510.0), ("110mH", 12.9, 13.9),
          ("400mH", 46.5, 50.0), ("High Jump", 2.40, 2.15), ("Pole Vault", 6.10, 5.40), ("Long Jump", 8.60, 7.70),
          ("Triple Jump", 18.0, 16.5), ("Shot Put", 23.0, 19.5), ("Javelin Throw", 92.0, 78.0)]
SERIES = ["Diamond League", "Diamond League", "Diamond League", "World Athletics Continental Tour"]


def fmt(seconds: float, measured: bool) -> str:
    if measured:
        return f"{seconds:.2f}"
    minutes, sec = divmod(seconds, 60)
    return f"{int(minutes)}:{sec:05.2f}" if minutes else f"{sec:.2f}"


def athletes(rng: random.Random, n: int) -> list[tuple[str, str, str, list[int]]]:
    out = []
    for i in range(n):
        family = rng.choice(FAMILY) if rng.random() < 0.3 else f"{rng.choice(FAMILY)}{i}"
        given = rng.choice(GIVEN)
        country = rng.choice(COUNTRIES)
        gender = rng.choice("MW")
        main = rng.randrange(len(EVENTS))
        events = [main] + ([rng.randrange(len(EVENTS))] if rng.random() < 0.3 else [])
        out.append((f"{given} {family}", country, gender, events))
        if rng.random() < 0.02:  # siblings: same surname and country, same event
            out.append((f"{rng.choice(GIVEN)} {family}", country, gender, [main]))
    return out[:n]


def generate(path: Path, results: int, n_athletes: int, seasons: int, per_season: int, seed: int) -> int:
    rng = random.Random(seed)
    people = athletes(rng, n_athletes)
    pools: dict[tuple[int, str], list[int]] = {}
    for idx, (_, _, gender, events) in enumerate(people):
        for e in dict.fromkeys(events):  # an athlete's second event may be its first: once in a pool
            pools.setdefault((e, gender), []).append(idx)
    keys = sorted(pools)
    comps = seasons * per_season
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "competition", "venue", "series", "event", "gender", "round", "race", "place",
                    "athlete", "country", "mark", "wind", "flags", "source", "athlete_id"])
        for c in range(comps):
            season = 2015 + c // per_season
            day = date(season, 4, 1) + timedelta(days=(c % per_season) * 180 // per_season)
            name, venue = f"Meeting {c % per_season:03d}", f"City {c % per_season:03d}"
            share = results * (c + 1) // comps  # every competition gets its share of the results
            race_no = 0
            while written < share:
                race_no += 1
                e, gender = keys[rng.randrange(len(keys))]
                pool = pools[(e, gender)]
                # One race in five is a star race: the top 40 of the event meet again and again
                # (0-40 times over the seasons); the rest draw from the whole pool.
                stars = pool[:40]
                field = rng.sample(stars, min(len(stars), 6)) if rng.random() < 0.2 else []
                while len(field) < min(10, len(pool)):
                    pick = pool[rng.randrange(len(pool))]
                    if pick not in field:
                        field.append(pick)
                event, best, worst = EVENTS[e]
                measured = best > worst
                marks = sorted((best + (worst - best) * rng.random() for _ in field), reverse=measured)
                for place, (who, mark) in enumerate(zip(field, marks), start=1):
                    a_name, country, _, _ = people[who]
                    w.writerow([day.isoformat(), name, venue, SERIES[c % len(SERIES)], event, gender, "final",
                                race_no, place, a_name, country, fmt(mark, measured), "", "", "synthetic",
                                f"S{who}"])
                    written += 1
                    if written >= results:
                        return written
    return written


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--results", type=int, default=1_000_000)
    p.add_argument("--athletes", type=int, default=50_000)
    p.add_argument("--seasons", type=int, default=10)
    p.add_argument("--per-season", type=int, default=200)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", type=Path, default=Path("bench/out/synthetic.csv"))
    a = p.parse_args()
    n = generate(a.out, a.results, a.athletes, a.seasons, a.per_season, a.seed)
    print(f"wrote {n} results for up to {a.athletes} athletes to {a.out}")


if __name__ == "__main__":
    main()
