"""Bot tokens sealed at rest (adapters/slack/sealing.py): Fernet with SLACK_TOKEN_KEY, key rotation,
rows kept before a key was set, and a wrong key that names nothing secret."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from adapters.slack.sealing import TokenSeal
from bot.errors import NotStarted

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_sealed_with_the_key_opened_with_it_and_never_readable_without():
    seal = TokenSeal(OLD)
    sealed = seal.seal("xoxb-team-token")
    assert sealed.startswith("fernet:") and "xoxb-team-token" not in sealed
    assert seal.open(sealed) == "xoxb-team-token"
    assert TokenSeal("").open(sealed) is None and TokenSeal(NEW).open(sealed) is None


def test_a_rotated_key_still_opens_what_the_old_one_sealed():
    rotated = TokenSeal(f"{NEW}, {OLD}")  # the first seals, every one opens
    assert rotated.open(TokenSeal(OLD).seal("xoxb-1")) == "xoxb-1"
    assert TokenSeal(NEW).open(rotated.seal("xoxb-2")) == "xoxb-2"


def test_without_a_key_tokens_are_kept_marked_plain_and_still_read_once_a_key_is_set():
    plain = TokenSeal("").seal("xoxb-3")
    assert plain == "plain:xoxb-3" and TokenSeal(OLD).open(plain) == "xoxb-3"
    assert TokenSeal(OLD).open("xoxb-unmarked") is None


def test_a_key_that_is_not_a_fernet_key_stops_start_up_without_showing_it():
    with pytest.raises(NotStarted) as caught:
        TokenSeal("not-a-key-secret")
    assert "SLACK_TOKEN_KEY" in str(caught.value) and "not-a-key-secret" not in str(caught.value)
