"""An outbox row as the message a channel sees: the /results reply for that race, plus context.

The same reply model as /results (podium, marks, margins, records, photo finishes), with a
rivalry line, 'Correction:' and what changed for a correction, the subscription's spoiler mode,
and the time the result came in, in the subscription's time zone.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import timezone
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.announce.alert import digest, race_alert
from bot.announce.follows import AlertNote
from bot.announce.outbox import CORRECTION, FOLLOW, OutboxItem
from bot.domain.models import RaceResults
from bot.domain.people import WA_SCHEME
from bot.domain.race_report import race_reply
from bot.replies import Moment, Paragraph, Reply, ReplyKind, Span
from bot.h2h.line import rivalry_line
from bot.store import Profiles, Queries
from bot.announce.subscriptions import valid_timezone

_CACHED = 256  # one race fans out to many channels: render it once, and once per display settings


class AnnouncerStore(Queries, Profiles, Protocol):
    """The reads an announcement makes: the race, the rivalry line, the athletes' pages."""


class Announcer:
    def __init__(self, store: AnnouncerStore, *, source_label: str = "") -> None:
        self.store = store
        self.source_label = source_label  # e.g. "Replay of Athletissima 2022, not live"
        self._cache: OrderedDict[tuple[Any, ...], Reply | None] = OrderedDict()
        self._shown: OrderedDict[tuple[Any, ...], Reply] = OrderedDict()

    async def render_digest(self, items: list[OutboxItem]) -> Reply | None:
        """Follow alerts due together in one user's direct messages, as one message."""
        replies = [r for r in [await self.render(i) for i in items] if r is not None]
        return digest(replies) if replies else None

    async def render(self, item: OutboxItem) -> Reply | None:
        """The message for `item`, or None when its race is no longer in the store.

        Channels whose subscriptions show it alike get the very same Reply object, so a
        publisher can render it for its platform once (replies are not changed once made)."""
        if item.kind == FOLLOW:  # for one person: nothing to share with a fan-out
            rr = await self._race_results(item.race_id)
            return None if rr is None else await race_alert(self.store, rr, AlertNote.parse(item.note),
                                                            self.source_label)
        key = (item.race_id, item.revision, item.kind, item.note)
        if key not in self._cache:
            self._cache[key] = await self._base(item)
            _trim(self._cache)
        base = self._cache[key]
        if base is None:
            return None
        sub = item.subscription
        shown = (key, item.created_at, sub.timezone, sub.spoiler == "hide")
        reply = self._shown.get(shown)
        if reply is None:
            reply = self._shown[shown] = _for_subscription(base, item)
            _trim(self._shown)
        return reply

    async def _race_results(self, race_id: int) -> RaceResults | None:
        race = await self.store.race(race_id)
        if race is None:
            return None
        found = [rr for rr in await self.store.race_results(race.competition_id, race.event) if rr.race.id == race.id]
        return found[0] if found else None

    async def _base(self, item: OutboxItem) -> Reply | None:
        rr = await self._race_results(item.race_id)
        if rr is None:
            return None
        wa_ids = await self.store.source_ids([ath.id for _, ath in rr.results], WA_SCHEME)
        reply = race_reply(rr, self.source_label, wa_ids=wa_ids)
        paragraphs = list(reply.paragraphs)
        line = await rivalry_line(self.store, rr)
        if line:
            paragraphs.append(Paragraph.of(line))
        title = reply.title
        if item.kind == CORRECTION:
            title = f"Correction: {title}"
            paragraphs.insert(0, Paragraph.of(Span("Correction: ", True), item.note))
        data = {**(reply.data or {}), "announcement": {"kind": item.kind, "revision": item.revision,
                                                       "race_id": item.race_id, "note": item.note}}
        kind: ReplyKind = "correction" if item.kind == CORRECTION else reply.kind
        return replace(reply, title=title, paragraphs=paragraphs, data=data, kind=kind)


def _trim(cache: OrderedDict[Any, Any]) -> None:
    while len(cache) > _CACHED:
        cache.popitem(last=False)


def _for_subscription(base: Reply, item: OutboxItem) -> Reply:
    """The subscription's time zone for the text; the instant too, for platforms whose
    clients show each reader their own time (Discord timestamps, Slack date tokens)."""
    sub = item.subscription
    when, moments = "", list(base.moments)
    if item.created_at is not None:
        local = item.created_at.astimezone(ZoneInfo(sub.timezone) if valid_timezone(sub.timezone) else timezone.utc)
        clock = f"{local:%H:%M} {local.tzname() or sub.timezone}"
        when = f"Result in at {clock}"
        moments.append(Moment(item.created_at, clock, "time"))
    footer = " · ".join(x for x in (base.footer, when) if x)
    return replace(base, moments=moments, footer=footer, spoiler=sub.spoiler == "hide", timestamp=item.created_at)
