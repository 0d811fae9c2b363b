"""/subscribe, /unsubscribe and /subscriptions: which finished races this channel is sent.

Every adapter gets them from the registry alike; subscribe and unsubscribe are for channel admins.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timezone
from zoneinfo import ZoneInfo

from bot.commands.registry import Args, Command, Context, Kind, Param
from bot.commands.results import find_competition
from bot.commands.services import Services
from bot.errors import UserError
from bot.announce.store import SubscriptionStore
from bot.h2h.prose import counted
from bot.announce.publishing import ChannelRef
from bot.replies import Column, Paragraph, Reply, Table
from bot.announce.subscriptions import SERIES, Filters, Subscription, canonical_series, valid_timezone
from bot.domain.gender import Gender
from bot.indexes import Indexes
from bot.search.athletes import AthleteIndex

MAX_DELAY_MINUTES = 24 * 60
_USAGE = '/subscribe dl 1500m women "Josh Kerr", "Jakob Ingebrigtsen" spoiler delay:30 timezone:Europe/Oslo'


@dataclass(frozen=True, kw_only=True)
class SubscribeArgs(Args):
    competition: str | None = None
    event: str | None = None
    gender: Gender | None = None
    athletes: str | None = None
    spoiler: bool = False
    delay: int | None = None
    timezone: str | None = None
    all_rounds: bool = False


@dataclass(frozen=True, kw_only=True)
class UnsubscribeArgs(Args):
    number: int | None = None


def _store(services: Services) -> SubscriptionStore:
    return services.store


def _channel(ctx: Context) -> ChannelRef:
    if ctx.channel is None:
        raise UserError("Subscriptions belong to a channel.", "Run this in the channel that should get the results.")
    return ctx.channel


def _best(athletes: AthleteIndex, text: str, gender: str) -> int | None:
    """The best match, preferring athletes of the subscription's gender among the close ones."""
    found = athletes.candidates(text, 8)
    if not found:
        return None
    stats = athletes.stats
    close = [c for c in found if c.score >= found[0].score - 5]
    fitting = [c for c in close if not gender or stats[c.athlete_id].athlete.gender in (gender, "")]
    return (fitting or found)[0].athlete_id


def _athletes(athletes: AthleteIndex, text: str, gender: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    ids: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        numbered = part.startswith("#") and part[1:].isascii() and part[1:].isdigit()  # int() refuses "²"
        found = int(part[1:]) if numbered else _best(athletes, part, gender)
        if found is None or found not in athletes.stats:
            raise UserError(f"I can't find an athlete called '{part}'.", "Separate several athletes with commas.")
        ids.append(found)
    return tuple(dict.fromkeys(ids)), tuple(athletes.stats[i].athlete.name for i in dict.fromkeys(ids))


def _where(indexes: Indexes, text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(series, competitions) named by `text` ('dl', 'worlds', 'oslo'), or None."""
    series = canonical_series(text)
    if series:
        return (series,), ()
    if indexes.competitions.resolve_id(text) or indexes.competitions.search(text, 1):
        return (), (find_competition(indexes.competitions, text)[0].name,)
    return None


def _meeting_not_name(indexes: Indexes, text: str) -> bool:
    """'oslo', 'rome': a meeting's city, unless it is somebody's full name (a surname alone is weaker)."""
    if "," in text:
        return False
    hits = indexes.competitions.search(text, 1)
    full_name = any(c.score >= 100 for c in indexes.athletes.candidates(text, 1))
    return bool(hits) and hits[0][1] >= 0.99 and not full_name


MEETING_WORDS = 8  # at most, in a series or meeting named at the front ('golden gala pietro mennea rome')


def _regroup(indexes: Indexes, args: SubscribeArgs) -> SubscribeArgs:
    """Put typed words where they belong: a time zone ('Europe/Oslo'), then a series or meeting
    at the front ('diamond league', 'rome'), and the rest are athletes ('"Beatrice Chebet", kipyegon').

    parse_args gives one word to each name slot when their counts match ('dl josh kerr'), so
    when all three are filled they are read again in order (keyword values never hold spaces, so
    nothing typed as a keyword changes meaning); a 'time zone' that cannot be one joins the names.
    """
    words = list(args.words)
    competition, athletes, tz = args.competition, args.athletes, args.timezone
    if not words and competition and athletes and tz:
        words, competition, athletes, tz = [competition, athletes, tz], None, None, None
    if tz and "/" not in tz and not valid_timezone(tz):
        words.append(tz)
        tz = None
    if tz is None:
        zones = [w for w in words if ("/" in w or w.isupper()) and valid_timezone(w)]  # Europe/Oslo, UTC
        if zones:
            tz = zones[-1]
            words.remove(zones[-1])
    if competition is None:
        for n in range(min(len(words), MEETING_WORDS), 0, -1):  # bounded: linear in what was typed
            head = " ".join(words[:n])
            if canonical_series(head) or _meeting_not_name(indexes, head):
                competition, words = head, words[n:]
                break
    if words:
        athletes = " ".join(([athletes] if athletes else []) + words)
    return replace(args, words=(), competition=competition, athletes=athletes, timezone=tz)


async def subscribe(services: Services, args: SubscribeArgs, ctx: Context) -> Reply:
    channel, store = _channel(ctx), _store(services)
    indexes = services.indexes
    args = _regroup(indexes, args)
    series: tuple[str, ...] = ()
    competitions: tuple[str, ...] = ()
    if args.competition:
        where = _where(indexes, args.competition)
        if where is None:
            raise UserError(f"I don't know a series or meeting called '{args.competition}'.",
                            "Series: " + ", ".join(f"{aliases[1]} ({name})" for name, aliases in SERIES.items())
                            + "; meetings by city or name, e.g. oslo.")
        series, competitions = where
    athletes: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    if args.athletes:
        athletes, names = _athletes(indexes.athletes, args.athletes, args.gender or "")
    delay = args.delay or 0
    if delay > MAX_DELAY_MINUTES:
        raise UserError(f"A delay of {delay} minutes is too long.", f"Up to {MAX_DELAY_MINUTES} minutes (a day).")
    tz = args.timezone or ctx.timezone or "UTC"
    if not valid_timezone(tz):
        raise UserError(f"'{tz}' is not a time zone I know.", "Use a name like Europe/Oslo or America/New_York.")
    filters = Filters(series, competitions, (args.event,) if args.event else (), args.gender or "",
                      athletes, names, finals_only=not args.all_rounds)
    sub = await store.add_subscription(Subscription(
        channel, filters, "hide" if args.spoiler else "off", delay, tz,
        created_at=services.now(), created_by=ctx.user_name or ctx.user_id))
    return Reply("Subscribed", [
        Paragraph.of(f"This channel will get {sub.describe()} as results come in."),
        Paragraph.of("Results already in are not posted: the next poll is the starting point.")],
        footer=f"Subscription {sub.id}. /unsubscribe {sub.id} stops it.",
        data={"subscription": sub.id, "filters": filters.to_json(), "spoiler": sub.spoiler,
              "delay_minutes": delay, "timezone": tz})


async def unsubscribe(services: Services, args: UnsubscribeArgs, ctx: Context) -> Reply:
    channel, store = _channel(ctx), _store(services)
    number = args.number
    ended = await store.end_subscriptions(channel, [number] if number is not None else None, "unsubscribed",
                                          services.now())
    if not ended:
        raise UserError(f"This channel has no subscription {number}." if number is not None else
                        "This channel has no subscriptions.", "See /subscriptions.")
    return Reply("Unsubscribed", [Paragraph.of(
        f"Ended {counted(ended, 'subscription')}; announcements not yet sent are dropped.")],
        data={"ended": ended})


async def subscriptions(services: Services, args: Args, ctx: Context) -> Reply:
    subs = await _store(services).subscriptions(_channel(ctx))
    if not subs:
        return Reply("Subscriptions", [Paragraph.of("This channel has no subscriptions.")],
                     footer=f"Channel admins can start one: {_USAGE}")
    # A date in a table cannot be a platform's local-time token: it is the asker's day (Slack
    # tells us their time zone; elsewhere UTC).
    zone = ZoneInfo(ctx.timezone) if valid_timezone(ctx.timezone) else timezone.utc
    rows = tuple((str(s.id), s.describe(), s.created_at.astimezone(zone).date().isoformat() if s.created_at else "")
                 for s in subs)
    return Reply("Subscriptions", [Paragraph.of(f"This channel has {counted(len(subs), 'subscription')}.")],
                 Table((Column("No", "right"), Column("What"), Column("Since")), rows,
                       tuple((f"{no}. {what}", f"since {since}" if since else "") for no, what, since in rows)),
                 data={"subscriptions": [{"id": s.id, "filters": s.filters.to_json(), "spoiler": s.spoiler,
                                          "delay_minutes": s.delay_minutes, "timezone": s.timezone} for s in subs]})


SUBSCRIBE = Command(
    "subscribe", "Post finished races in this channel as results come in",
    (Param("competition", Kind.COMPETITION, "Only this series (dl, worlds, olympics) or meeting (oslo), every year",
           required=False, autocomplete=True, choices=("series", "meeting")),
     Param("event", Kind.EVENT, "Only this event, e.g. 1500m", required=False, autocomplete=True),
     Param("gender", Kind.GENDER, "Only men or women", required=False),
     Param("athletes", Kind.ATHLETE, "Only races with these athletes, comma-separated", required=False,
           autocomplete=True),
     Param("spoiler", Kind.FLAG, "Hide results behind a spoiler", required=False, choices=("hide",)),
     Param("delay", Kind.NUMBER, "Post this many minutes late", required=False),
     Param("timezone", Kind.TEXT, "Time zone for times shown, e.g. Europe/Oslo", required=False),
     Param("all_rounds", Kind.FLAG, "Heats and semi-finals too, not only finals", required=False,
           choices=("heats",))),
    subscribe, admin_only=True, examples=("/subscribe", "/subscribe dl 1500m women", "/subscribe worlds heats",
                                          '/subscribe "Josh Kerr", "Jakob Ingebrigtsen" spoiler delay:30'),
    args=SubscribeArgs)
UNSUBSCRIBE = Command(
    "unsubscribe", "Stop posting results in this channel",
    (Param("number", Kind.NUMBER, "Which subscription (see /subscriptions); all when left out", required=False),),
    unsubscribe, admin_only=True, examples=("/unsubscribe", "/unsubscribe 2"), args=UnsubscribeArgs)
SUBSCRIPTIONS = Command("subscriptions", "What this channel is subscribed to", (), subscriptions,
                        examples=("/subscriptions",))
COMMANDS = (SUBSCRIBE, UNSUBSCRIBE, SUBSCRIPTIONS)
