"""Real athletes' lines from shared/data/tilastopaja-2024, written out as small import files."""
from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tilastopaja-2024" / "athletes.jsonl.gz"
INGEBRIGTSEN, NORDAS, MAYER, KAUL, BUKOWIECKI = "170792", "214500", "102751", "151674", "136801"
LLOPIS, MARTINEZ = "198854", "188947"


_ID = re.compile(r'"tpAthleteId":\s*"([^"]*)"')
_NAME = r'"{}":\s*(null|"(?:[^"\\]|\\.)*")'
_GIVEN, _FAMILY = re.compile(_NAME.format("givenName")), re.compile(_NAME.format("familyName"))


@lru_cache(maxsize=1)
def _lines() -> dict[str, str]:
    """tpAthleteId -> the line exactly as shipped; read once per test run. Lines are parsed only
    when asked for (parsing all 77 MB cost a second of each worker's CPU)."""
    with gzip.open(SHARED, "rt", encoding="utf-8") as f:
        return {_ID.search(line).group(1): line for line in f}


@lru_cache(maxsize=None)
def athlete(tp_id: str) -> dict:
    return json.loads(_lines()[tp_id])


def find_id(given: str, family: str) -> str:
    """The id whose line names this athlete, checked on the parsed line (the pattern only picks candidates)."""
    for tp_id, line in _lines().items():
        g, f = _GIVEN.search(line), _FAMILY.search(line)
        if g and f and (json.loads(g.group(1)), json.loads(f.group(1))) == (given, family):
            a = athlete(tp_id)
            if (a["givenName"], a["familyName"]) == (given, family):
                return tp_id
    raise LookupError(f"{given} {family} is not in {SHARED}")


def write_sample(path: Path, *tp_ids: str, extra_lines: tuple[str, ...] = ()) -> Path:
    """A .jsonl.gz of these athletes' real lines (and any extra text lines), as the shared file is."""
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for tp_id in tp_ids:
            f.write(_lines()[tp_id])
        for line in extra_lines:
            f.write(line + "\n")
    return path
