"""Names as people write and type them: folding for search, and display forms."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not split into base + accent.
_SPECIAL = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "ß": "ss", "đ": "d", "Đ": "d",
                          "ł": "l", "Ł": "l", "ı": "i", "œ": "oe", "þ": "th", "ð": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold_once(text: str) -> str:
    """Lowercase ASCII words for matching: 'Nordås' and 'nordas' fold alike."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", text).strip()


# Imports and typed queries repeat names; building an index folds each name once, and caching
# those would hold every athlete's name twice more in memory (fold_once there).
fold = lru_cache(maxsize=262_144)(fold_once)


def _is_upper_word(word: str) -> bool:
    if word[:2] == "Mc" and len(word) > 3:
        word = word[2:]
    if "." in word:
        return False
    # 'ß' has no capital in everyday use: 'WEIßHAIDINGER' is a surname in capitals.
    letters = [c for c in word if c.isalpha() and c != "ß"]
    return len(letters) >= 2 and all(c.isupper() for c in letters) or (len(letters) == 1 and word.isupper() and len(word) > 1)


def _title_word(word: str) -> str:
    """'INGEBRIGTSEN' -> 'Ingebrigtsen', "O'HARE" -> "O'Hare", 'MCLAUGHLIN' -> 'McLaughlin'."""
    def cap(part: str) -> str:
        low = part.lower()
        if low.startswith("mc") and len(low) > 3:
            return "Mc" + low[2:].capitalize()
        return low.capitalize()

    return "-".join("'".join(cap(p) for p in chunk.split("'")) for chunk in word.split("-"))


@lru_cache(maxsize=262_144)
def split_name(raw: str) -> tuple[str, str, str]:
    """(display, given, family) from 'Firstname SURNAME' or 'Firstname Surname'.

    Sources that capitalise surnames tell us where the family name starts; otherwise
    the last word is the family name.
    """
    words = raw.split()
    if not words:
        return "", "", ""
    upper_at = next((i for i, w in enumerate(words) if i > 0 and _is_upper_word(w)), None)
    if upper_at is None and len(words) > 1 and _is_upper_word(words[0]) and not all(map(_is_upper_word, words)):
        # 'KIPYEGON Faith' style: surname first.
        fam_words = [w for w in words if _is_upper_word(w)]
        given_words = [w for w in words if not _is_upper_word(w)]
    elif upper_at is not None:
        given_words, fam_words = words[:upper_at], words[upper_at:]
    else:
        given_words, fam_words = words[:-1], words[-1:]
    fam_words = [_title_word(w) if _is_upper_word(w) else w for w in fam_words]
    given_words = [_title_word(w) if _is_upper_word(w) and len(w) > 2 else w for w in given_words]
    given, family = " ".join(given_words), " ".join(fam_words)
    return " ".join(x for x in (given, family) if x), given, family


def initials(given: str, family: str, *, folded: bool = False) -> str:
    if not folded:
        given, family = fold(given), fold(family)
    return "".join(w[0] for w in (given.split()[:1] + family.split()[-1:]) if w)
