"""Import files written by tests: the same rows as CSV or as a JSON list, so both readers are tried."""
from __future__ import annotations

import json
from pathlib import Path


def write_rows(path: Path, header: str, rows: list[tuple[str, ...]]) -> Path:
    """`rows` under the comma-separated `header`, as CSV or JSON by `path`'s suffix."""
    cols = header.strip().split(",")
    if path.suffix == ".csv":
        path.write_text(header.strip() + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        path.write_text(json.dumps([dict(zip(cols, r)) for r in rows]), encoding="utf-8")
    return path
