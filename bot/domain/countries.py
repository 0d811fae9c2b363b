"""Country codes as results give them (World Athletics / IOC: NOR, GER, SUI) and their flag emoji.

The table is data (countries.csv beside this module, naming its sources): a code maps to the
ISO 3166-1 alpha-2 code whose two regional-indicator letters make the flag. Codes without a flag
(neutral athletes, historic states such as URS or GDR) and codes the table does not know are
shown as the code itself.
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

_REGIONAL_A = 0x1F1E6  # REGIONAL INDICATOR SYMBOL LETTER A


@cache
def alpha2_codes() -> dict[str, str]:
    """Three-letter code -> ISO alpha-2 ("" where the code has no flag), read once."""
    # beside this module (package data); not importlib.resources, whose import a one-shot command skips
    text = (Path(__file__).parent / "countries.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: row["alpha2"] for row in rows}


def flag(code: str) -> str:
    """The flag emoji of a three-letter code, or "" when it has none."""
    alpha2 = alpha2_codes().get(code.strip().upper(), "")
    if len(alpha2) != 2 or not alpha2.isascii() or not alpha2.isalpha():
        return ""
    return "".join(chr(_REGIONAL_A + ord(c) - ord("A")) for c in alpha2.upper())


def flag_or_code(code: str) -> str:
    """What a chat card shows for a country: its flag, else the code as the data gives it."""
    return flag(code) or code
