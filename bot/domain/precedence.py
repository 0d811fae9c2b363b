"""Which source's version of a result is shown when sources disagree (issue 11).

Official results and World Athletics over archives, archives over athletes' histories, histories
over a user's CSV, the seed article last. The store keeps every other version beside the shown one.
"""
from __future__ import annotations

SEED, USER, HISTORY, ARCHIVE, OFFICIAL = range(5)

NAMES = {SEED: "the seed article", USER: "imported files", HISTORY: "athletes' race histories",
         ARCHIVE: "the Diamond League archive", OFFICIAL: "official results"}


def order_text() -> str:
    return " > ".join(NAMES[o] for o in sorted(NAMES, reverse=True))
