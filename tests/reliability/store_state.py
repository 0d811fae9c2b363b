"""What a store holds, to compare before and after: every table's rows, hashed."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

HEADER = "date,competition,venue,series,event,gender,round,race,place,athlete,country,mark,wind,flags,source,athlete_id"


def checksum(db: Path) -> dict[str, str]:
    """table -> hash of its rows in key order. A hash per table, so a failure names the table."""
    with sqlite3.connect(db) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {}
        for table in tables:
            digest = hashlib.sha256()
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
            out[table] = digest.hexdigest()
        (out["user_version"],) = map(str, conn.execute("PRAGMA user_version").fetchone())
    return out


def results_csv(path: Path, competition: str, athletes: int = 8, day: str = "2026-06-12") -> Path:
    """A small valid interchange file: one 1500m final of `athletes` invented runners."""
    rows = [f"{day},{competition},Testville,,1500m,M,final,,{n},Runner{n} {competition.split()[0]},NOR,"
            f"3:{30 + n:02d}.00,,,test," for n in range(1, athletes + 1)]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def count(db: Path, sql: str, args: tuple = ()) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchone()[0]
