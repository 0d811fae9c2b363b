"""A Reply as Discord messages: embeds that respect every documented limit.

Long tables are split between rows into more embeds, then more messages; nothing is cut
mid-row. Errors become one short ephemeral line. Output is plain dicts (Discord's own JSON
shape) so the limits can be checked exactly; the adapter turns them into discord.Embed.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bot.domain.countries import flag
from bot.replies import Badge, Moment, Paragraph, Person, Reply

from adapters import cards
from adapters.discord import escape, limits, tables

COLOR = 0x1F6FB2
IMAGE_NAME = "racebot.png"
# More pages than this would flood the channel; the last one says what was left out.
MAX_MESSAGES = 4
_ZWSP = "\u200b"  # Discord rejects empty (or blank) field names and values
_CONTINUED = " (continued)"
# Whose World Athletics pages a card links, in a field of this name.
PROFILES = "World Athletics"


@dataclass
class OutMessage:
    content: str = ""
    embeds: list[dict] = field(default_factory=list)
    ephemeral: bool = False
    image: bytes | None = None  # sent as IMAGE_NAME; the first embed shows it
    image_alt: str = ""  # the attachment's description: Discord's alt text

    def payload(self) -> dict:
        return {"content": self.content, "embeds": self.embeds}


@dataclass
class _Block:
    embed: dict
    rows: int = 0  # table rows it holds
    fields: int = 0


def render(reply: Reply, *, max_messages: int = MAX_MESSAGES) -> list[OutMessage]:
    if reply.error:
        return [error_message(reply)]
    stamps = _Stamps(reply.moments)
    fields = _fields(reply, stamps)  # before the body, which lists the moments not shown yet
    fields += _profiles(reply)
    footer, timed = stamps.split_footer(reply.footer, reply.timestamp)
    blocks = _body(reply, stamps, timed)
    blocks[1:1] = _place_fields(fields, blocks[0])
    # Every message keeps room for the footer (and a note) so it can go on whichever is last.
    reserve = min(limits.FOOTER, len(footer) + len(reply.coverage) + 80)
    messages = _pack(blocks, blocks[0].embed.get("title", ""), limits.EMBED_TOTAL - reserve)
    note = ""
    if len(messages) > max_messages:
        rest = [b for m in messages[max_messages:] for b in m]
        messages = messages[:max_messages]
        note = _left_out(sum(b.rows for b in rest), sum(b.fields for b in rest))
    footer = " · ".join(p for p in (note, footer) if p)
    _add_footer(messages[-1], "\n".join(p for p in (footer, reply.coverage) if p))
    out = [OutMessage(embeds=[b.embed for b in m]) for m in messages]
    colour = cards.accent(reply)[0]
    for m in out:
        for embed in m.embeds:
            embed["color"] = colour
    if reply.timestamp is not None:  # shown beside the footer, in each reader's own zone
        out[-1].embeds[-1]["timestamp"] = _iso(reply.timestamp)
    if reply.image:
        out[0].image = reply.image
        out[0].image_alt = escape.clip(reply.chart.alt, limits.ATTACHMENT_DESCRIPTION) if reply.chart else ""
        out[0].embeds[0]["image"] = {"url": f"attachment://{IMAGE_NAME}"}
    return out


def error_message(reply: Reply) -> OutMessage:
    """A short ephemeral line: only the person who asked sees it. A question back with choices
    (namesakes to pick from) is public: the pick turns it into the answer for the channel."""
    lines = [escape.text(p.text) for p in reply.paragraphs] or [escape.text(reply.title)]
    content = escape.clip("\n".join(lines), limits.CONTENT).strip() or "Sorry, that did not work."
    return OutMessage(content=content, ephemeral=not reply.actions)


def _body(reply: Reply, stamps: "_Stamps", timed: list[str]) -> list[_Block]:
    parts = [_badges(reply.badges)] + [_paragraph(p, stamps) for p in reply.paragraphs] + timed + stamps.unused()
    bars = 4 if reply.spoiler else 0  # clip before the || || so a spoiler is never left open
    description = escape.clip("\n\n".join(p for p in parts if p), limits.DESCRIPTION - bars)
    if reply.spoiler and description:
        description = f"||{description}||"
    first = _Block({"title": _title(reply), "color": COLOR})
    if len(reply.people) == 1 and reply.people[0].profile:  # one athlete's card: the title is the link
        first.embed["url"] = reply.people[0].profile
    blocks = [first]
    table = reply.table
    if table is not None and table.wide and reply.image:
        table = None  # the full table is in the picture (its alt text reads it out): not told twice
    elif table is not None and not table.wide:  # a wide table is the console's, codes and all
        table = cards.flagged_table(table)
    for i, chunk in enumerate(tables.chunks(table, limits.DESCRIPTION, spoiler=reply.spoiler)
                              if table else []):
        joined = f"{description}\n\n{chunk.text}" if description else chunk.text
        if i == 0 and len(joined) <= limits.DESCRIPTION:
            description, first.rows = joined, chunk.rows
        else:
            blocks.append(_Block({"description": chunk.text, "color": COLOR}, chunk.rows))
    if description.strip():
        first.embed["description"] = description
    if not first.embed["title"].strip():
        del first.embed["title"]
        if not description.strip() and not reply.image:
            first.embed["description"] = _ZWSP  # Discord refuses an embed with nothing in it
    return blocks


def _title(reply: Reply) -> str:
    """The title, after the flag of the one athlete it is about."""
    title = escape.text(reply.title)
    if len(reply.people) == 1 and (mark := flag(reply.people[0].country)):
        title = f"{mark} {title}"
    return escape.clip(title, limits.TITLE)


def _badges(badges: Sequence[Badge]) -> str:
    """Each result with records on its own line: each record's marker and code in bold, then whose."""
    return "\n".join(" ".join(f"{cards.badge_mark(c)} **{escape.text(c)}**".strip() for c in codes)
                     + f" {escape.text(text)}" for codes, text in cards.grouped(badges))


def _profiles(reply: Reply) -> list[dict]:
    """A field linking each athlete's World Athletics page, where their id is known; the name is
    escaped, so data can never make a link of its own, and the address is built from a number."""
    if not any(p.profile for p in reply.people) or len(reply.people) < 2:
        return []  # one athlete's page is the title's link
    bars = 4 if reply.spoiler else 0
    shown: list[str] = []
    for p in reply.people:
        entry = _person(p)
        if sum(len(x) + 3 for x in shown) + len(entry) > limits.FIELD_VALUE - bars:
            break  # a link is never cut in half
        shown.append(entry)
    value = " · ".join(shown)
    return [{"name": PROFILES, "value": f"||{value}||" if reply.spoiler else value, "inline": False}]


def _person(p: Person) -> str:
    name = escape.clip(escape.text(p.name), 100)
    shown = f"[{name}]({p.profile})" if p.profile else name
    mark = flag(p.country)
    return f"{mark} {shown}" if mark else shown


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)  # the core works in UTC
    return at.astimezone(timezone.utc).isoformat()


def _paragraph(p: Paragraph, stamps: "_Stamps") -> str:
    out = []
    for span in p.spans:
        piece = stamps.sub(escape.text(span.text))
        out.append(f"**{piece}**" if span.strong and piece.strip() else piece)
    return "".join(out)


def _fields(reply: Reply, stamps: "_Stamps") -> list[dict]:
    made = []
    bars = 4 if reply.spoiler else 0  # room for the || || around a spoiler
    for f in reply.fields:
        value = escape.clip(stamps.sub(escape.text(f.value)), limits.FIELD_VALUE - bars)
        name = escape.clip(escape.text(f.name), limits.FIELD_NAME)
        made.append({"name": name if name.strip() else _ZWSP,
                     "value": (f"||{value}||" if reply.spoiler else value) if value.strip() else _ZWSP,
                     "inline": f.inline})
    return made


def _place_fields(made: list[dict], first: _Block) -> list[_Block]:
    """Fields join the first embed when they fit there, else follow it in their own embeds."""
    extra: list[_Block] = []
    target = first
    # Leave room for a continuation title and the footer in the same embed.
    budget = limits.EMBED_TOTAL - limits.TITLE - limits.FOOTER
    for fd in made:
        fields = target.embed.setdefault("fields", [])
        if len(fields) == limits.FIELDS or limits.embed_size(target.embed) + _size(fd) > budget:
            if not fields:
                del target.embed["fields"]
            target = _Block({"color": COLOR, "fields": []})
            extra.append(target)
            fields = target.embed["fields"]
        fields.append(fd)
        target.fields += 1
    return extra


def _left_out(rows: int, fields: int) -> str:
    """The last page's note: what did not fit, so nothing disappears without a word."""
    parts = [f"{n} more {what}" for n, what in ((rows, "rows"), (fields, "fields")) if n]
    return f"{' and '.join(parts) or 'More'} not shown: narrow it down (event, season)."


def _pack(blocks: list[_Block], title: str, budget: int) -> list[list[_Block]]:
    """Embeds into messages: at most 10 per message and `budget` characters between them."""
    messages: list[list[_Block]] = [[]]
    total = 0
    for b in blocks:
        size = limits.embed_size(b.embed)
        if messages[-1] and (len(messages[-1]) == limits.EMBEDS or total + size > budget):
            messages.append([])
            total = 0
            if title and "title" not in b.embed:
                b.embed = {"title": escape.clip(title, limits.TITLE - len(_CONTINUED)) + _CONTINUED,
                           **b.embed}
                size = limits.embed_size(b.embed)
        messages[-1].append(b)
        total += size
    return messages


def _add_footer(message: list[_Block], footer: str) -> None:
    if not footer.strip():
        return
    # Footers do not render markdown, so escaping would show backslashes; mentions never
    # ping from an embed, but defuse them anyway in case the text is ever reused as content.
    text = escape.clip(escape.text_plain(footer), limits.FOOTER)
    total = sum(limits.embed_size(b.embed) for b in message)
    if len(text) > limits.EMBED_TOTAL - total:  # only when the footer itself is enormous
        text = escape.clip(text, limits.EMBED_TOTAL - total)
    message[-1].embed["footer"] = {"text": text}


def _size(fd: dict) -> int:
    return len(fd["name"]) + len(fd["value"])


_AT_END = re.compile(r"\s+at$")


class _Stamps:
    """Discord timestamps for the reply's moments, shown where their fallback text appears."""

    def __init__(self, moments: Sequence[Moment]) -> None:
        self._moments = [(escape.text(m.fallback), escape.timestamp(m.at, m.style)) for m in moments]
        self._raw = list(moments)
        self._used: set[int] = set()

    def sub(self, text: str) -> str:
        for i, (fallback, stamp) in enumerate(self._moments):
            if fallback and fallback in text:
                text = text.replace(fallback, stamp)
                self._used.add(i)
        return text

    def unused(self) -> list[str]:
        return [stamp for i, (_, stamp) in enumerate(self._moments) if i not in self._used]

    def split_footer(self, footer: str, stamped: datetime | None = None) -> tuple[str, list[str]]:
        """Embed footers show timestamps as raw `<t:...>`: a footer part (" · " between parts)
        that holds a moment ("Result in at 21:00 CEST") goes to the description instead, with
        the moment as a timestamp each reader's client shows in their own zone. The moment of
        the embed's own timestamp (`stamped`) is not said twice: its part stays in the footer
        without it ("Result in"), and Discord shows the time after it."""
        kept, timed = [], []
        for part in footer.split(" · "):
            own = [i for i, m in enumerate(self._raw) if stamped is not None and m.at == stamped
                   and m.fallback and m.fallback in part]
            if own:
                self._used.update(own)
                part = _AT_END.sub("", part.replace(self._raw[own[0]].fallback, "").rstrip())
                if part:
                    kept.append(part)
                continue
            text = escape.text(part)
            if any(fallback and fallback in text for fallback, _ in self._moments):
                timed.append(self.sub(text))
            else:
                kept.append(part)
        return " · ".join(kept), timed
