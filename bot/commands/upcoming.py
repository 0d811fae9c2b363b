"""/next: competitions coming up, from the calendar in our data.

Their dates are calendar days at the venue, with no clock time: shown as written, never turned
into a reader's time zone (midnight UTC is the day before in the Americas)."""
from __future__ import annotations

from bot.commands.registry import Args, Command, Context
from bot.commands.services import Services
from bot.narrow import BREAK
from bot.replies import Column, Paragraph, Reply, Table

SHOWN = 10


async def run(services: Services, args: Args, ctx: Context) -> Reply:
    today = services.today()
    comps = await services.store.upcoming(today, SHOWN)
    if not comps:
        latest = max(services.indexes.competitions.by_id.values(), key=lambda c: c.start, default=None)
        text = "No upcoming competitions are in our calendar yet."
        if latest:
            text += f" The most recent we have is the {latest.name} ({latest.venue}, {latest.start.isoformat()})."
        return Reply("Coming up", [Paragraph.of(text)], footer="The calendar fills from the World Athletics source when it is enabled.")
    rows = tuple((c.start.isoformat() + ("" if c.end == c.start else f" – {c.end.isoformat()}"), c.name, c.venue,
                  c.series) for c in comps)
    return Reply("Coming up", [Paragraph.of(f"The next {len(comps)} competitions in our calendar.")],
                 Table((Column("Dates"), Column("Competition"), Column("Venue"), Column("Series")), rows,
                       tuple((dates, BREAK.join(x for x in (name, venue, series) if x)) for dates, name, venue, series in rows)),
                 data={"competitions": [{"name": c.name, "venue": c.venue, "start": c.start.isoformat(),
                                         "end": c.end.isoformat(), "series": c.series} for c in comps]})


COMMAND = Command("next", "Upcoming competitions", (), run, examples=("/next",))
