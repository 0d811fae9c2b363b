"""/status: how each live result source is doing: last successful poll, last error, next poll; and
how announcements are getting out (bot/commands/outbox_status.py).

Read from the health the store keeps, so it answers the same in every adapter and process (the
CLI included), and a source that died silently shows as failing or overdue.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.commands import outbox_status
from bot.commands.registry import Args, Command, Context
from bot.commands.services import Services
from bot.replies import Field, Moment, Paragraph, Reply, Span
from bot.sources.health import SourceHealth, duration_text, moment_text, source_label

OVERDUE_AFTER = timedelta(minutes=5)  # a poll later than this is worth pointing out


async def run(services: Services, args: Args, ctx: Context) -> Reply:
    now = services.now()
    sources = await services.store.source_health()
    outbox = await services.store.outbox_health()
    paragraphs: list[Paragraph] = []
    fields: list[Field] = []
    moments: list[Moment] = []
    zone = ctx.timezone
    footer = f"As of {_at(moments, now, zone)}." if sources else ""
    if not sources:
        paragraphs.append(Paragraph.of(
            "No live result source has polled yet: answers come from the bundled results and imported files. "
            "The World Athletics source reports here once it runs ([sources.worldathletics] in the config, "
            "or `racebot sync`)."))
    for health in sources:
        paragraph, its_fields = _describe(health, now, moments, zone, prefix=len(sources) > 1)
        paragraphs.append(paragraph)
        fields += its_fields
    paragraphs += outbox_status.describe(outbox, now, moments, zone)
    return Reply("Source status", paragraphs, fields=fields, footer=footer, moments=moments,
                 data={"sources": [_data(h) for h in sources], "announcements": outbox_status.data(outbox)})


def _describe(h: SourceHealth, now: datetime, moments: list[Moment], zone: str, *,
              prefix: bool) -> tuple[Paragraph, list[Field]]:
    """A source's paragraph and fields; the times they show are added to `moments`."""
    label = source_label(h.name)
    if h.failing_since is None:  # h.ok
        state = "working." if h.last_success else "not polled successfully yet."
    else:
        state = f"failing since {_at(moments, h.failing_since, zone)} ({duration_text(now - h.failing_since)})."
        if h.circuit != "closed":
            state += " Paused after repeated failures; it retries on its own."
    paragraph = Paragraph.of(Span(label, strong=True), " is " + state)
    name = (lambda text: f"{label}: {text}") if prefix else (lambda text: text)
    success = "never"
    if h.last_success:
        success = f"{_at(moments, h.last_success, zone)} ({duration_text(now - h.last_success)} ago)"
    error = "none"
    if h.last_error:
        error = h.last_error + (f" ({_at(moments, h.last_error_at, zone)})" if h.last_error_at else "")
    return paragraph, [Field(name("Last successful poll"), success), Field(name("Last error"), error, inline=False),
                       Field(name("Next poll"), _next(moments, h.next_poll, now, zone))]


def _next(moments: list[Moment], when: datetime | None, now: datetime, zone: str) -> str:
    if when is None:
        return "not scheduled"
    text = _at(moments, when, zone)
    if when > now:
        return f"{text} (in {duration_text(when - now)})"
    if now - when > OVERDUE_AFTER:
        return f"{text} (overdue by {duration_text(now - when)}: is racebot running?)"
    return text


def _at(moments: list[Moment], when: datetime, zone: str) -> str:
    """The time as text, registered as a Moment so each reader sees it in their own time zone,
    once and in one form: the text beside it says how long ago, not the time again."""
    text = moment_text(when, zone)
    if all(m.fallback != text for m in moments):
        moments.append(Moment(when, text))
    return text


def _data(h: SourceHealth) -> dict[str, Any]:
    def iso(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {"name": h.name, "ok": h.ok, "last_success": iso(h.last_success), "last_error": h.last_error,
            "last_error_at": iso(h.last_error_at), "failing_since": iso(h.failing_since),
            "next_poll": iso(h.next_poll), "circuit": h.circuit}


COMMAND = Command("status", "Live results feed: last successful poll, last error, next poll", (), run,
                  examples=("/status",))
