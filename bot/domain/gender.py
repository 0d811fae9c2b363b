"""A race is run by men or by women: the two values the data holds, and the words fans type for them."""
from __future__ import annotations

from typing import Literal

Gender = Literal["M", "W"]

_WORDS: dict[str, Gender] = {
    "m": "M", "men": "M", "man": "M", "male": "M", "mens": "M", "men's": "M",
    "w": "W", "women": "W", "woman": "W", "female": "W", "womens": "W", "women's": "W", "f": "W"}


def parse_gender(text: str) -> Gender | None:
    return _WORDS.get(text.strip().lower())
