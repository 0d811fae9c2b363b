"""/h2h: the head-to-head record of two athletes."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from bot.commands.again import event_words, line, page_word, quoted
from bot.commands.pages import paged
from bot.commands.registry import Args, Command, Context, Kind, Param
from bot.commands.services import Services
from bot.charts.rivalry import rivalry_chart
from bot.coverage import coverage_of
from bot.errors import UserError
from bot.domain.models import Athlete, Meeting, Performance, Result
from bot.domain.people import WA_SCHEME, people
from bot.domain.periods import Period
from bot.domain.disciplines import discipline
from bot.h2h.pairing import Ambiguous, PairChoice, choose_pair
from bot.h2h.prose import counted, rivalry_paragraphs, short_names
from bot.narrow import BREAK, abbreviated
from bot.replies import PHONE_WIDTH, Action, Button, Column, Field, Menu, Option, Paragraph, Reply, Table
from bot.h2h.record import RULE, Bout, Record, record
from bot.search.athletes import AthleteIndex


@dataclass(frozen=True, kw_only=True)
class H2HArgs(Args):
    # Both named, or neither: then `words` holds the two names typed without quotes.
    athlete_a: str | None = None
    athlete_b: str | None = None
    event: str | None = None
    season: int | None = None
    finals_only: bool = False
    since: Period | None = None
    until: Period | None = None
    page: int | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.event or self.season or self.finals_only or self.since or self.until)


def _cell(r: Result) -> str:
    place = f"{r.place}. " if r.place else ""
    return f"{place}{r.mark}"


def _filters(args: H2HArgs, meetings: list[Meeting]) -> list[Meeting]:
    if args.event:
        meetings = [m for m in meetings if m.race.event == args.event]
    if args.season:
        meetings = [m for m in meetings if m.race.day.year == args.season]
    if args.since:
        meetings = [m for m in meetings if m.race.day >= args.since.first]
    if args.until:
        meetings = [m for m in meetings if m.race.day <= args.until.last]
    if args.finals_only:
        meetings = [m for m in meetings if m.race.round == "final"]
    return meetings


def _keeps(args: H2HArgs) -> Callable[[Performance], bool]:
    """The filters of _filters, for one athlete's own marks (the chart's points between meetings)."""
    def keep(p: Performance) -> bool:
        day = p.race.day
        return ((not args.season or day.year == args.season) and (not args.since or day >= args.since.first)
                and (not args.until or day <= args.until.last) and (not args.finals_only or p.race.round == "final"))
    return keep


def split_names(athletes: AthleteIndex, args: H2HArgs) -> tuple[str, str]:
    """Two names typed without quotes: take the split where both sides name someone best.

    Only splits where neither side has more words than the longest name we know are tried: a
    constant number of lookups, each of a bounded text, however many words were typed."""
    if args.athlete_a and args.athlete_b:
        return args.athlete_a, args.athlete_b
    words = args.words
    if len(words) < 2:
        raise UserError("/h2h needs two athletes.", "Example: /h2h Kerr Ingebrigtsen")
    most = athletes.most_words
    if len(words) > 2 * most:
        raise UserError(f"I can't tell two names apart in {len(words)} words.",
                        'Put each name in quotes: /h2h "Josh Kerr" "Jakob Ingebrigtsen".')
    best, best_score = None, -1.0
    for i in range(max(1, len(words) - most), min(len(words) - 1, most) + 1):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        ca, cb = athletes.candidates(a, 1), athletes.candidates(b, 1)
        score = (ca[0].score if ca else 0) + (cb[0].score if cb else 0)
        if score > best_score:
            best, best_score = (a, b), score
    assert best is not None  # the range above is never empty: 2 <= len(words) <= 2 * most
    return best


def _row(bout: Bout) -> tuple[str, ...]:
    m = bout.meeting
    c = m.competition
    return (m.race.day.isoformat(), f"{c.label}", m.race.discipline.name, m.race.round_label,
            _cell(m.a), _cell(m.b), bout.margin + (" 📸" if bout.photo_finish else ""))


def _narrow(bouts: tuple[Bout, ...], sa: str, sb: str, every: Sequence[Bout]) -> tuple[tuple[str, ...], ...]:
    """Each meeting in two phone-width lines: `2024-05-25 Eugene · Mile · 0.26 s` and
    `Kerr 1. 3:45.34 · Ing. 2. 3:45.60`; names shortened only when a line of `every` meeting
    would not fit (so every page of them shortens alike)."""
    def marks(x: str, y: str, bout: Bout) -> str:
        return BREAK.join((f"{x} {_cell(bout.meeting.a)}", f"{y} {_cell(bout.meeting.b)}"))

    widest = max((len(_cell(b.meeting.a)) + len(_cell(b.meeting.b)) for b in every), default=0)
    if len(sa) + len(sb) + 2 + len(BREAK) + widest > PHONE_WIDTH:  # the longest marks(sa, sb, ...)
        sa, sb = abbreviated(sa, sb)
    out = []
    for bout in bouts:
        m = bout.meeting
        rnd = "" if m.race.round_label == "Final" else f" {m.race.round_label}"
        margin = bout.margin + (" 📸" if bout.photo_finish else "")
        head = BREAK.join(x for x in (f"{m.race.day.isoformat()} {m.competition.venue or m.competition.label}",
                                      f"{m.race.discipline.name}{rnd}", margin) if x)
        out.append((head, marks(sa, sb, bout)))
    return tuple(out)


def _meeting_data(bout: Bout) -> dict[str, Any]:
    m = bout.meeting
    return {"date": m.race.day.isoformat(), "competition": m.competition.name, "venue": m.competition.venue,
            "event": m.race.discipline.name, "round": m.race.round_label, "winner": bout.winner,
            "a": {"place": m.a.place, "mark": m.a.mark, "status": m.a.status},
            "b": {"place": m.b.place, "mark": m.b.mark, "status": m.b.status},
            "margin": bout.margin, "photo_finish": bout.photo_finish}


async def run(services: Services, args: H2HArgs, ctx: Context) -> Reply:
    indexes, store = services.indexes, services.store
    stats = indexes.athletes.stats
    text_a, text_b = split_names(indexes.athletes, args)
    try:
        choice = choose_pair(indexes.athletes, indexes.meetings, text_a, text_b, indexes.today)
    except Ambiguous as exc:
        if not ctx.clickable:
            raise
        raise UserError(exc.message, "Pick below, or type full names.",
                        _namesake_menus(indexes.athletes, args, exc, (text_a, text_b))) from None
    a, b = stats[choice.a].athlete, stats[choice.b].athlete
    meetings = _filters(args, await store.meetings(a.id, b.id))
    rec = record(meetings)
    sa, sb = short_names(a, b)
    fields: list[Field] = []
    table = None
    # Where the answer comes in pages (a chat, or a page asked for), only the page shown is made,
    # its rows, cards and data: a long rivalry's 90 meetings made and frozen were most of /h2h's
    # time, and a click on Next asks again for the next page. The record, the fields and the
    # prose still tell every meeting.
    page = args.page or 1
    paging = ctx.clickable or bool(args.page)
    shown: tuple[Bout, ...] = ()
    if not rec.bouts:
        paragraphs = [Paragraph.of(f"{a.name} and {b.name} have never met in a race we know of"
                                   + (" with those filters." if args.filtered else "."))]
    else:
        paragraphs = rivalry_paragraphs(a, b, rec)
        fields = _fields(rec, sa, sb)
        shown = tuple(reversed(rec.bouts))  # newest first
        if paging:
            shown = shown[(page - 1) * PAGE_ROWS:page * PAGE_ROWS]
        table = Table((Column("Date"), Column("Competition"), Column("Event"), Column("Round"),
                       Column(sa, "right"), Column(sb, "right"), Column("Margin", "right")),
                      tuple(_row(x) for x in shown), _narrow(shown, sa, sb, rec.bouts))
    if choice.typed_pair:
        x, y = (stats[i].athlete.name for i in choice.typed_pair)
        paragraphs.insert(0, Paragraph.of(
            f"I guessed: '{text_a}' and '{text_b}' are spelled closest to {x} and {y}, who never met; "
            f"{a.name} and {b.name} have {counted(len(rec.bouts), 'meeting')} in our data."))
    if choice.alternatives:
        alts = "; ".join(f"{stats[x].athlete.name} v {stats[y].athlete.name}, {counted(n, 'meeting')}"
                         for x, y, n in choice.alternatives)
        paragraphs.append(Paragraph.of(f"Also: {alts}."))
    coverage = await coverage_of(store, [a, b])
    chart = None
    if rec.bouts and ctx.charts:
        marks_a, marks_b = await asyncio.gather(store.athlete_results(a.id), store.athlete_results(b.id))
        since, until = (p.text if p else "" for p in (args.since, args.until))
        key = f"h2h:{a.id}:{b.id}:{args.event or ''}:{args.season or ''}:{args.finals_only}:{since}:{until}"
        chart = rivalry_chart(a, b, (sa, sb), rec, {"a": marks_a, "b": marks_b}, _keeps(args), key)
    reply = Reply(f"{a.name} v {b.name}", paragraphs, table, fields,
                  footer=f"{RULE} Data to {indexes.today.isoformat()}.", coverage=coverage, chart=chart,
                  people=people([a, b], await store.source_ids([a.id, b.id], WA_SCHEME)),
                  data={"chart": chart.spec if chart else None, "a": _athlete_data(a), "b": _athlete_data(b),
                        "wins": {"a": rec.wins["a"], "b": rec.wins["b"]}, "ties": rec.ties,
                        "meetings": [_meeting_data(x) for x in reversed(shown)], "guessed": choice.guessed,
                        "coverage": coverage},
                  actions=_actions(args, choice, meetings, stats) if ctx.clickable else ())
    if not paging:
        return reply  # the terminal shows every meeting at once
    return paged(reply, page, PAGE_ROWS, lambda to: _again(args, a.id, b.id, page=to), ctx.clickable,
                 total=len(rec.bouts))


PAGE_ROWS = 10  # meetings a page where the asker can page (Discord, Slack)


def _again(args: H2HArgs, a: int | str, b: int | str, **changes: Any) -> str | None:
    """/h2h again for athletes a and b (ids, or words as typed), with the filters changed."""
    v = {"event": args.event, "season": args.season, "finals_only": args.finals_only,
         "since": args.since, "until": args.until, "page": 1, **changes}
    names = [f"#{x}" if isinstance(x, int) else quoted(x) for x in (a, b)]
    return line("h2h", *names, event_words(v["event"]) if v["event"] else "",
                f"season:{v['season']}" if v["season"] else "", "finals" if v["finals_only"] else "",
                f"since:{v['since'].text}" if v["since"] else "", f"until:{v['until'].text}" if v["until"] else "",
                page_word(v["page"]))


def _actions(args: H2HArgs, choice: PairChoice, meetings: list[Meeting], stats: Any) -> list[Action]:
    """Finals only, By event, Show all meetings, and the other pairs a guess passed over: each
    changes the asker's question, so only the asker may use them."""
    a, b = choice.a, choice.b
    actions: list[Action] = []
    buttons = [("Finals only", _again(args, a, b, finals_only=True))
               if not args.finals_only and any(m.race.round != "final" for m in meetings) else ("", None),
               ("Show all meetings", _again(args, a, b, event=None, season=None, finals_only=False,
                                            since=None, until=None)) if args.filtered else ("", None)]
    actions += [Button(label, command, personal=True) for label, command in buttons if command]
    events: dict[str, int] = {}
    for m in meetings:
        events[m.race.event] = events.get(m.race.event, 0) + 1
    if not args.event and len(events) > 1:
        options = [Option(discipline(e).name, command, counted(n, "meeting"))
                   for e, n in sorted(events.items(), key=lambda en: -en[1])
                   if (command := _again(args, a, b, event=e))]
        actions.append(Menu("By event", options[:MENU_OPTIONS], personal=True))
    if choice.alternatives:
        options = [Option(f"{stats[x].athlete.name} v {stats[y].athlete.name}", command, counted(n, "meeting"))
                   for x, y, n in choice.alternatives if (command := _again(args, x, y))]
        actions.append(Menu("Not who you meant?", options, personal=True))
    return [x for x in actions if not isinstance(x, Menu) or x.options]


MENU_OPTIONS = 25  # the most a Discord select menu holds


def _namesake_menus(athletes: AthleteIndex, args: H2HArgs, exc: Ambiguous, texts: tuple[str, str]) -> list[Action]:
    """A menu per name that means several people: picking one asks again with that one's id."""
    menus: list[Action] = []
    for side, text, ids in exc.sides:
        options = []
        for i in ids[:MENU_OPTIONS]:
            pair: list[int | str] = list(texts)
            pair[side] = i
            command = _again(args, pair[0], pair[1])
            if command:
                options.append(Option(athletes.label(i), command))
        if options:
            menus.append(Menu(f"Which {text}?", options, personal=True))
    return menus


def _fields(rec: Record, sa: str, sb: str) -> list[Field]:
    ties = f" ({counted(rec.ties, 'tie')})" if rec.ties else ""
    fields = [Field("Record", f"{sa} {rec.wins['a']}–{rec.wins['b']} {sb}{ties}")]
    if len(rec.by_event) > 1:
        fields += [Field(event, f"{c['a']}–{c['b']}") for event, c in rec.by_event.items()]
    who, run = rec.streak
    fields.append(Field("Streak", f"{sa if who == 'a' else sb} {run}"))
    if rec.closest:
        m = rec.closest.meeting
        fields.append(Field("Closest", f"{rec.closest.margin}, {m.competition.name} {m.race.day.year}"))
    if rec.biggest and rec.biggest is not rec.closest:
        m = rec.biggest.meeting
        fields.append(Field("Biggest margin", f"{rec.biggest.margin}, {m.competition.name} {m.race.day.year}"))
    return fields


def _athlete_data(a: Athlete) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "country": a.country}


COMMAND = Command(
    "h2h", "Head-to-head record of two athletes",
    (Param("athlete_a", Kind.ATHLETE, "First athlete", autocomplete=True),
     Param("athlete_b", Kind.ATHLETE, "Second athlete", autocomplete=True),
     Param("event", Kind.EVENT, "Only this event, e.g. 1500m", required=False, autocomplete=True),
     Param("season", Kind.SEASON, "Only this season, e.g. 2024", required=False),
     Param("finals_only", Kind.FLAG, "Only finals", required=False, choices=("finals",)),
     Param("since", Kind.DATE, "Only from this date, e.g. 2019-06-01", required=False),
     Param("until", Kind.DATE, "Only up to this date, e.g. 2022", required=False),
     Param("page", Kind.PAGE, "Page of a long list of meetings, e.g. 2", required=False)),
    run, examples=("/h2h Kerr Ingebrigtsen", '/h2h "Jakob Ingebrigtsen" Cheruiyot event:1500m finals',
                     "/h2h Ingebrigtsen Cheruiyot since:2021"),
    args=H2HArgs)
