"""Reply -> Slack messages in Block Kit, split to fit Slack's limits and never cutting a table row.

Order: header, paragraph sections, the table in ``` blocks, fields, context (moments, footer).
Every string is escaped here (escape.py), once. `Reply.image` is not rendered: Slack's image
block needs a public URL, and uploading files needs a scope we do not ask for.
"""
from __future__ import annotations

import re

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
from bot.replies import Field, Moment, Paragraph, Reply, Table, format_table

# Raw text is cut into pieces this long before escaping; escaping grows text at most 5x
# (`&` -> `&amp;`), so a piece always fits a section even with a date token added.
_PIECE = 500
_FENCE = "```"


def render(reply: Reply) -> list[dict]:
    """The messages that carry `reply`, in posting order; each has `text` and `blocks`."""
    moments = _Moments(reply.moments)
    blocks = _header(reply.title)
    blocks += _text_sections(_paragraph_pieces(reply.paragraphs, moments))
    if reply.table is not None:
        blocks += _table_sections(reply.table)
    blocks += _field_sections(reply.fields, moments)
    blocks += _context(moments.unused())  # moments no paragraph or field mentioned
    blocks += _context(_chunks(reply.footer, _PIECE) if reply.footer.strip() else [], escape=True)
    blocks += _context(_chunks(reply.coverage, _PIECE) if reply.coverage.strip() else [], escape=True)
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


def _header(title: str) -> list[dict]:
    title = " ".join(title.split())
    if not title:
        return []
    if len(title) > MAX_HEADER:
        title = title[:MAX_HEADER - 1].rstrip() + "…"  # a title, not a row: shortening is fine
    return [{"type": "header", "text": {"type": "plain_text", "text": esc.plain(title), "emoji": True}}]


class _Moments:
    """Swaps each moment's fallback text, wherever it appears, for Slack's local-time token."""

    def __init__(self, moments: list[Moment]) -> None:
        self._tokens: dict[str, str] = {}
        for m in moments:
            fallback = m.fallback or m.at.isoformat(timespec="minutes")
            self._tokens[esc.mrkdwn(fallback)] = esc.date_token(m.at, fallback)
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


def _paragraph_pieces(paragraphs: list[Paragraph], moments: _Moments) -> list[tuple[str, str]]:
    """(joiner, rendered piece) pairs: spans join with nothing, paragraphs with a blank line."""
    pieces: list[tuple[str, str]] = []
    for p in paragraphs:
        joiner = "\n\n"
        for span in p.spans:
            for chunk in _chunks(span.text, _PIECE):
                rendered = esc.strong(chunk) if span.strong else esc.mrkdwn(chunk)
                pieces.append((joiner, moments.apply(rendered)))
                joiner = ""
    return pieces


def _text_sections(pieces: list[tuple[str, str]]) -> list[dict]:
    texts: list[str] = []
    for joiner, piece in pieces:
        if texts and len(texts[-1]) + len(joiner) + len(piece) <= MAX_SECTION_TEXT:
            texts[-1] += joiner + piece
        else:
            texts.append(piece)
    return [{"type": "section", "text": _mrkdwn(t)} for t in texts if t.strip()]


def _table_sections(table: Table) -> list[dict]:
    lines = format_table(table)
    head = "\n".join(esc.code(line) for line in lines[:2])
    budget = MAX_SECTION_TEXT - len(_FENCE) * 2 - 2 - len(head) - 1
    chunks: list[list[str]] = [[]]
    size = -1  # length of "\n".join(current chunk) so far; -1 while it is empty
    for raw in lines[2:]:
        # A row longer than a whole section cannot be kept whole; that is the only split inside a row.
        parts = [esc.code(raw)]
        if len(parts[0]) > budget:
            parts = [esc.code(p) for p in _chunks(raw, max(budget // 5, 1))]
        for part in parts:
            if chunks[-1] and size + 1 + len(part) > budget:
                chunks.append([])
                size = -1
            chunks[-1].append(part)
            size += 1 + len(part)
    return [{"type": "section", "text": _mrkdwn("\n".join([_FENCE, head, *rows, _FENCE]))} for rows in chunks]


def _field_sections(fields: list[Field], moments: _Moments) -> list[dict]:
    blocks: list[dict] = []
    inline: list[str] = []
    for f in fields:
        name = esc.strong(f.name)
        value = moments.apply(esc.mrkdwn(f.value))
        text = f"{name}\n{value}" if name and value else name or value
        if f.inline and text and len(text) <= MAX_FIELD_TEXT:
            inline.append(text)
            continue
        blocks += _inline_blocks(inline)
        inline = []
        pieces = [("", name)] if name else []
        pieces += [("\n" if i == 0 and name else "", moments.apply(esc.mrkdwn(c)))
                   for i, c in enumerate(_chunks(f.value, _PIECE))]
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
    while len(text) > size:
        cut = text.rfind(" ", 0, size) + 1 or size
        out.append(text[:cut])
        text = text[cut:]
    return out + [text] if text else out


def _clip_lines(text: str, limit: int) -> str:
    """The notification fallback: whole lines up to `limit`, with an ellipsis when shortened."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 1)
    cut = cut if cut > 0 else limit - 1
    while cut > 0 and text[max(cut - 5, 0):cut].rfind("&") > text[max(cut - 5, 0):cut].rfind(";"):
        cut -= 1  # never split an entity such as &amp;
    return text[:cut] + "…"
