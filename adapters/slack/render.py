"""Reply -> Slack messages in Block Kit, split to fit Slack's limits and never cutting a table row.

Order: header, paragraph sections, the table as phone-width cards in ``` blocks, fields, context (moments, footer).
Every string is escaped here (escape.py), once. `Reply.image` is not rendered: Slack's image
block needs a public URL, so a chart is uploaded as a file after the answer (slash.py).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from adapters import cards
from adapters.slack import escape as esc
from adapters.slack.limits import (
    MAX_BLOCKS,
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_FALLBACK_TEXT,
    MAX_FIELD_TEXT,
    MAX_FIELDS,
    MAX_HEADER,
    MAX_SECTION_TEXT,
)
from bot.domain.countries import flag
from bot.narrow import cards as phone_cards
from bot.replies import TABLE_WIDTH, Badge, Field, Moment, Paragraph, Person, Reply, Table, ellipsize, format_table

# Raw text is cut into pieces this long before escaping; escaping grows text at most 5x
# (`&` -> `&amp;`), so a piece fits a section (date tokens aside: see _rendered).
_PIECE = 500
_FENCE = "```"
# A field name is a bold label, a footer a source line: beyond these they are cut, visibly.
_FIELD_NAME = 200
_FOOTER = 1000


def render(reply: Reply) -> list[dict]:
    """The messages that carry `reply`, in posting order; each has `text` and `blocks`."""
    moments = _Moments(reply.moments)
    blocks = _header(reply.title, cards.accent(reply)[1])
    blocks += _context(_people(reply.people))
    blocks += _text_sections(_badge_lines(reply.badges))
    blocks += _text_sections(_paragraph_pieces(reply.paragraphs, moments))
    if reply.table is not None:
        # A wide table (the full table asked for) is the console's, codes and all.
        blocks += _table_sections(reply.table if reply.table.wide else cards.flagged_table(reply.table))
    blocks += _field_sections(reply.fields, moments)
    footer = ellipsize(reply.footer, _FOOTER)  # a moment in it ("Result in at 21:00 CEST") is shown there
    footer_pieces = _rendered(footer, lambda chunk: moments.apply(esc.mrkdwn(chunk))) if footer.strip() else []
    blocks += _context(moments.unused())  # moments no paragraph, field or footer mentioned
    blocks += _context(footer_pieces)
    coverage = ellipsize(reply.coverage, _FOOTER)
    blocks += _context(_chunks(coverage, _PIECE) if coverage.strip() else [], escape=True)
    # Every block is whole in itself (table blocks hold whole rows), so any 50 make a valid message.
    groups = [blocks[i:i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)] or [[]]
    texts = [reply.plain_text()] + [f"{reply.title} ({i}/{len(groups)})" for i in range(2, len(groups) + 1)]
    return [{"text": _clip_lines(esc.mrkdwn(text), MAX_FALLBACK_TEXT) or "(empty reply)", "blocks": group}
            for text, group in zip(texts, groups, strict=True)]


def render_spoiler(reply: Reply) -> tuple[dict, list[dict]]:
    """Slack has no spoiler markup: a neutral headline in the channel, the result in its thread."""
    headline = {
        "text": _clip_lines(esc.mrkdwn(f"{reply.title}: result in the thread"), MAX_FALLBACK_TEXT),
        "blocks": _header(reply.title) + _context(["Spoiler: the result is in the thread."]),
    }
    return headline, render(reply)


def _mrkdwn(text: str) -> dict:
    # verbatim: Slack would otherwise turn bare @here, #channel and URLs into links and mentions.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _header(title: str, mark: str = "") -> list[dict]:
    """`mark`: the circle of the reply's accent colour (cards.ACCENTS), Block Kit having no colour."""
    title = " ".join(title.split())
    if not title:
        return []
    if mark:
        title = f"{mark} {title}"
    if len(title) > MAX_HEADER:
        title = title[:MAX_HEADER - 1].rstrip() + "…"  # a title, not a row: shortening is fine
    return [{"type": "header", "text": {"type": "plain_text", "text": esc.plain(title), "emoji": True}}]


def _people(people: Sequence[Person]) -> list[str]:
    """Each athlete's flag and name, linked to their World Athletics page where their id is known.
    The name is escaped (no `<`, `>` or `|` of its own can end the link early) and the address
    is built from a number, so data never makes a link or a mention."""
    if not any(p.profile for p in people):
        return []
    out = []
    for p in people[:MAX_CONTEXT_ELEMENTS]:
        name = esc.mrkdwn(ellipsize(p.name, 100)).replace("|", "\u2223")
        shown = f"<{p.profile}|{name}>" if p.profile else name
        mark = flag(p.country)
        out.append(f"{mark} {shown}" if mark else shown)
    return out


def _badge_lines(badges: Sequence[Badge]) -> list[tuple[str, str]]:
    """Each result with records on its own line: each record's marker and code in bold, then whose."""
    lines = [" ".join(f"{cards.badge_mark(c)} {esc.strong(ellipsize(c, 10))}".strip() for c in codes)
             + f" {esc.mrkdwn(ellipsize(text, 400))}" for codes, text in cards.grouped(badges)]
    return [("\n", line) for line in lines]


class _Moments:
    """Swaps each moment's fallback text, wherever it appears, for Slack's local-time token."""

    def __init__(self, moments: Sequence[Moment]) -> None:
        self._tokens: dict[str, str] = {}
        for m in moments:
            fallback = m.fallback or m.at.isoformat(timespec="minutes")
            self._tokens[esc.mrkdwn(fallback)] = esc.date_token(m.at, fallback, m.style)
        keys = sorted(self._tokens, key=len, reverse=True)  # longest first: no partial matches
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
        self._used: set[str] = set()

    def apply(self, escaped: str) -> str:
        if self._pattern is None:
            return escaped

        def swap(m: re.Match) -> str:
            self._used.add(m.group(0))
            return self._tokens[m.group(0)]
        return self._pattern.sub(swap, escaped)

    def unused(self) -> list[str]:
        return [token for key, token in self._tokens.items() if key not in self._used]


def _paragraph_pieces(paragraphs: Sequence[Paragraph], moments: _Moments) -> list[tuple[str, str]]:
    """(joiner, rendered piece) pairs: spans join with nothing, paragraphs with a blank line."""
    pieces: list[tuple[str, str]] = []
    for p in paragraphs:
        joiner = "\n\n"
        for span in p.spans:
            escape = esc.strong if span.strong else esc.mrkdwn
            for rendered in _rendered(span.text, lambda chunk: moments.apply(escape(chunk))):
                pieces.append((joiner, rendered))
                joiner = ""
    return pieces


def _rendered(text: str, render: Callable[[str], str]) -> list[str]:
    """`text` rendered in pieces that each fit a section, however much rendering grows it.

    Escaping grows text at most 5x, but a date token replaces a short fallback with about 50
    characters: a piece that still comes out too long is halved and rendered again.
    """
    out: list[str] = []
    pending = _chunks(text, _PIECE)[::-1]
    while pending:
        chunk = pending.pop()
        done = render(chunk)
        if len(done) > MAX_SECTION_TEXT and len(chunk) > 1:
            half = len(chunk) // 2
            pending += [chunk[half:], chunk[:half]]
        else:
            out.append(done)
    return out


def _text_sections(pieces: list[tuple[str, str]]) -> list[dict]:
    texts: list[str] = []
    for joiner, piece in pieces:
        if texts and len(texts[-1]) + len(joiner) + len(piece) <= MAX_SECTION_TEXT:
            texts[-1] += joiner + piece
        else:
            texts.append(piece)
    return [{"type": "section", "text": _mrkdwn(t)} for t in texts if t.strip()]


def _table_sections(table: Table) -> list[dict]:
    """Phone-width cards (bot/narrow.py) in ``` blocks, each card (a row) whole in one block."""
    budget = MAX_SECTION_TEXT - len(_FENCE) * 2 - 2
    chunks: list[list[str]] = [[]]
    size = -1  # length of "\n".join(current chunk) so far; -1 while it is empty
    for card in _told(table):
        # Escaping can grow a line of `&` five times; such a card is cut (with an ellipsis), not split.
        text = _clip_lines("\n".join(esc.code(line) for line in card), budget)
        if chunks[-1] and size + 1 + len(text) > budget:
            chunks.append([])
            size = -1
        chunks[-1].append(text)
        size += 1 + len(text)
    return [{"type": "section", "text": _mrkdwn("\n".join([_FENCE, *rows, _FENCE]))} for rows in chunks if rows]


def _told(table: Table) -> list[list[str]]:
    """Phone cards; a wide table as the console prints it: header and rule together, a row a line."""
    if not table.wide:
        return phone_cards(table)
    lines = format_table(table, TABLE_WIDTH)
    return [lines[:2], *([line] for line in lines[2:])]


def _field_sections(fields: Sequence[Field], moments: _Moments) -> list[dict]:
    blocks: list[dict] = []
    inline: list[str] = []
    for f in fields:
        name = esc.strong(ellipsize(f.name, _FIELD_NAME))
        if f.inline and len(f.value) <= MAX_FIELD_TEXT:  # escaping at most 5x: only then can it fit
            value = moments.apply(esc.mrkdwn(f.value))
            text = f"{name}\n{value}" if name and value else name or value
            if text and len(text) <= MAX_FIELD_TEXT:
                inline.append(text)
                continue
        blocks += _inline_blocks(inline)
        inline = []
        pieces = [("", name)] if name else []
        pieces += [("\n" if i == 0 and name else "", c)
                   for i, c in enumerate(_rendered(f.value, lambda chunk: moments.apply(esc.mrkdwn(chunk))))]
        blocks += _text_sections(pieces)
    return blocks + _inline_blocks(inline)


def _inline_blocks(texts: list[str]) -> list[dict]:
    return [{"type": "section", "fields": [_mrkdwn(t) for t in texts[i:i + MAX_FIELDS]]}
            for i in range(0, len(texts), MAX_FIELDS)]


def _context(texts: list[str], *, escape: bool = False) -> list[dict]:
    """One context block per ten elements; `texts` are pre-rendered unless `escape`."""
    elements = [_mrkdwn(esc.mrkdwn(t) if escape else t) for t in texts if t.strip()]
    for e in elements:
        assert len(e["text"]) <= MAX_CONTEXT_TEXT, "context pieces are cut small enough"
    return [{"type": "context", "elements": elements[i:i + MAX_CONTEXT_ELEMENTS]}
            for i in range(0, len(elements), MAX_CONTEXT_ELEMENTS)]


def _chunks(text: str, size: int) -> list[str]:
    """Cut text into pieces of at most `size`, at whitespace when there is some; joins back exactly."""
    out: list[str] = []
    start = 0  # indices, not re-slicing the rest each time: linear in the text
    while len(text) - start > size:
        cut = text.rfind(" ", start + 1, start + size) + 1 or start + size
        out.append(text[start:cut])
        start = cut
    return out + [text[start:]] if start < len(text) else out


def _clip_lines(text: str, limit: int) -> str:
    """The notification fallback: whole lines up to `limit`, with an ellipsis when shortened."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 1)
    cut = cut if cut > 0 else limit - 1
    while cut > 0 and text[max(cut - 5, 0):cut].rfind("&") > text[max(cut - 5, 0):cut].rfind(";"):
        cut -= 1  # never split an entity such as &amp;
    return text[:cut] + "…"
