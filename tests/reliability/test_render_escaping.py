"""Text from data or users shows as typed on every platform: no formatting, link, mention or quote.

Hypothesis feeds markup-laden text (Discord and Slack syntax, full-width forms, URLs, mentions)
through the real escapers and renderers; each escaped string must read back as the original
and leave nothing a platform would act on.
"""
from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings

from adapters.discord import escape as discord_escape
from adapters.discord.render import render as discord_render
from adapters.slack import escape as slack_escape
from adapters.slack.render import render as slack_render
from bot.replies import Field, Paragraph, Reply
from render_checks import texts

_QUICK = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])

# --- Discord -------------------------------------------------------------------------------

_BACKSLASHED = re.compile(r"\\([!-/:-@\[-`{-~])")  # Discord shows `\x` as x for ASCII punctuation
_DISCORD_MARKUP = set("*_~|`[]<>")


def _discord_problems(escaped: str) -> list[str]:
    """What Discord would still act on in `escaped`: each markup character must be backslashed."""
    problems, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\" and i + 1 < len(escaped):
            i += 2
            continue
        if escaped[i] in _DISCORD_MARKUP:
            problems.append(f"bare {escaped[i]!r} at {i}")
        i += 1
    if re.search(r"(?<=[A-Za-z0-9])://", escaped):
        problems.append("a live URL scheme")
    if re.search(r"^[ \t]*([-+#]|\d+\.[ \t])", escaped, re.M):
        problems.append("a heading, subtext or list at a line's start")
    if re.search(r"@(everyone|here)", escaped):
        problems.append("a mass mention")
    return problems


def _discord_shown(escaped: str) -> str:
    return _BACKSLASHED.sub(r"\1", escaped).replace("@\u200b", "@")


@_QUICK
@given(texts(120))
def test_discord_text_shows_as_typed_and_nothing_in_it_acts(data):
    escaped = discord_escape.text(data)
    assert _discord_problems(escaped) == []
    assert _discord_shown(escaped) == data.replace("@\u200b", "@")


@_QUICK
@given(texts(120), texts(60))
def test_discord_embeds_carry_data_inert(prose, name):
    [message] = discord_render(Reply(name, [Paragraph.of(prose)], fields=[Field(name, prose)]))
    embed = message.embeds[0]
    for shown in (embed.get("title", ""), embed.get("description", ""), *(f["value"] for f in embed["fields"])):
        if shown != "\u200b":  # Discord's placeholder for an empty field
            assert _discord_problems(shown) == [], shown


# --- Slack ---------------------------------------------------------------------------------

_SLACK_FORMATTING = re.compile(r"[*_~`\uff0a\uff3f\uff40<>]|&(?!amp;|lt;|gt;)")
_LOOKALIKES = str.maketrans({"*": "\u2217", "\uff0a": "\ufe61", "_": "\u02cd", "\uff3f": "\u2e0f",
                             "~": "\u223c", "`": "\u02cb", "\uff40": "\u02cb"})


def _slack_problems(escaped: str) -> list[str]:
    problems = [f"bare {m.group(0)!r}" for m in _SLACK_FORMATTING.finditer(escaped)]
    if re.search(r"^[ \t]*(&gt;|\uff1e)", escaped, re.M):
        problems.append("a quote at a line's start")
    return problems


@_QUICK
@given(texts(120))
def test_slack_text_shows_as_typed_and_nothing_in_it_acts(data):
    escaped = slack_escape.mrkdwn(data)
    assert _slack_problems(escaped) == []
    # Read back: entities decoded, the invisible soft hyphen gone, look-alikes for the markup.
    assert html.unescape(escaped).replace("\u00ad", "") == data.translate(_LOOKALIKES).replace("\u00ad", "")


@_QUICK
@given(texts(120), texts(60))
def test_slack_blocks_carry_data_inert(prose, name):
    [message] = slack_render(Reply(name, [Paragraph.of(prose)], fields=[Field(name, prose, inline=False)]))
    for block in message["blocks"]:
        if block["type"] == "section":
            text = block["text"]["text"]
            # The field name's bold label is ours: its stars pair up on each line.
            assert all(line.count("*") in (0, 2) for line in text.split("\n")), text
            assert _slack_problems(text.replace("*", "")) == [], text
