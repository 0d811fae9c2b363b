"""What a card shows about the athletes in a reply: who they are (flag, World Athletics page) and
the records their results set (badges)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.domain.models import Athlete, Result
from bot.replies import Badge, Person

# Whose ids the store keeps under this scheme: World Athletics' (the archive's and the API's).
WA_SCHEME = "wa"
WA_PROFILE = "https://worldathletics.org/athletes/_/{id}"
# The records a card makes stand out; others (CR, MR, DLR, SB) stay in the table's flags column.
BADGE_CODES = ("WR", "AR", "NR", "WL", "PB")  # records first, then the world lead, then a PB
# World Athletics ids are numbers of up to nine digits today: a longer or other id is not one.
_MAX_ID_DIGITS = 12


def profile_url(wa_id: str) -> str:
    """The athlete's World Athletics page, or "" unless `wa_id` looks like one of their ids (only
    digits): an id from a file is never put into a link as it is."""
    if wa_id.isascii() and wa_id.isdigit() and len(wa_id) <= _MAX_ID_DIGITS:
        return WA_PROFILE.format(id=int(wa_id))
    return ""


def people(athletes: Iterable[Athlete], wa_ids: Mapping[int, str]) -> tuple[Person, ...]:
    """Each athlete once, in the order given, with their page where their id is known."""
    out: dict[int, Person] = {}
    for a in athletes:
        if a.id not in out:
            out[a.id] = Person(a.name, a.country, profile_url(wa_ids.get(a.id, "")))
    return tuple(out.values())


def badge_codes(flags: Iterable[str]) -> list[str]:
    """The result's flags that are badges, in the order of BADGE_CODES."""
    held = set(flags)
    return [code for code in BADGE_CODES if code in held]


def badges(results: Iterable[tuple[Result, str]]) -> tuple[Badge, ...]:
    """One badge per record a finished result set; `text` says whose and where."""
    return tuple(Badge(code, text) for res, text in results if res.finished for code in badge_codes(res.flags))
