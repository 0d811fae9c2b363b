"""Real athletes' lines from shared/data/tilastopaja-2024, written out as small import files."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tilastopaja-2024" / "athletes.jsonl.gz"
INGEBRIGTSEN, NORDAS, MAYER, KAUL, BUKOWIECKI = "170792", "214500", "102751", "151674", "136801"
LLOPIS, MARTINEZ = "198854", "188947"


@lru_cache(maxsize=1)
def _lines() -> dict[str, tuple[str, dict]]:
    """tpAthleteId -> (the line exactly as shipped, parsed); read once per test run."""
    with gzip.open(SHARED, "rt", encoding="utf-8") as f:
        return {(a := json.loads(line))["tpAthleteId"]: (line, a) for line in f}


def athlete(tp_id: str) -> dict:
    return _lines()[tp_id][1]


def find_id(given: str, family: str) -> str:
    return next(i for i, (_, a) in _lines().items() if (a["givenName"], a["familyName"]) == (given, family))


def write_sample(path: Path, *tp_ids: str, extra_lines: tuple[str, ...] = ()) -> Path:
    """A .jsonl.gz of these athletes' real lines (and any extra text lines), as the shared file is."""
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for tp_id in tp_ids:
            f.write(_lines()[tp_id][0])
        for line in extra_lines:
            f.write(line + "\n")
    return path
