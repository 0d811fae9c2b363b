"""/follow, /unfollow, /following and /forget me: a fan's own alerts, sent to their direct messages.

Any user may follow (no admin right): it is about them, not the channel. An athlete is resolved
as /athlete resolves one (a menu of namesakes where the asker can click); `Kerr v Ingebrigtsen`
is a rivalry, resolved as /h2h resolves a pair (the two who actually raced). Two names without
`v` are one athlete's full name first ('Josh Kerr'), a rivalry only when they name nobody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.announce.follows import MAX_FOLLOWS, RESULTS, SPOILERS, START, WHEN, Follow
from bot.announce.publishing import ChannelRef
from bot.announce.store import TooManyFollows
from bot.commands.athlete import resolve_one
from bot.commands.registry import Args, Command, Context, Kind, Param
from bot.commands.services import Services
from bot.domain.disciplines import discipline
from bot.errors import UserError
from bot.h2h.pairing import choose_pair
from bot.h2h.prose import counted
from bot.replies import Column, Paragraph, Reply, Table
from bot.search.athletes import AthleteIndex

_VERSUS = re.compile(r"^(?:v|vs\.?|versus)$", re.IGNORECASE)
_FULL_NAME = 100  # a candidate's score when the text is someone's whole name


@dataclass(frozen=True, kw_only=True)
class FollowArgs(Args):
    athlete: str | None = None
    rival: str | None = None
    event: str | None = None
    when: str | None = None
    spoilers: str | None = None


@dataclass(frozen=True, kw_only=True)
class UnfollowArgs(Args):
    which: str | None = None


@dataclass(frozen=True, kw_only=True)
class ForgetArgs(Args):
    who: str


def _user(ctx: Context) -> ChannelRef:
    if not ctx.user_id or ctx.channel is None:
        raise UserError("Follows belong to a person, and I can't tell who is asking here.",
                        "Run /follow from Discord, Slack or the console.")
    return ChannelRef.for_user(ctx.channel.platform, ctx.channel.workspace, ctx.user_id)


def _names(athletes: AthleteIndex, args: FollowArgs, ctx: Context) -> tuple[str, str | None]:
    """(athlete text, rival text or None) from what was typed."""
    if ctx.syntax.options and args.athlete and args.rival:  # Discord's two options are explicit
        return args.athlete, args.rival
    words = list(args.words) or " ".join(w for w in (args.athlete, args.rival) if w).split()
    if not words:
        raise UserError("/follow needs an athlete.", "Example: /follow Kipyegon, or /follow Kerr v Ingebrigtsen")
    split = [i for i, w in enumerate(words) if _VERSUS.match(w)]
    if split:
        i = split[0]
        a, b = " ".join(words[:i]), " ".join(words[i + 1:])
        if not a or not b:
            raise UserError("A rivalry needs a name on each side of 'v'.", "Example: /follow Kerr v Ingebrigtsen")
        return a, b
    whole = " ".join(words)
    # The parser gives one word to each name slot ('Josh Kerr'): a full name first, else a rivalry.
    if args.rival and not args.words and not any(c.score >= _FULL_NAME for c in athletes.candidates(whole, 1)):
        return args.athlete or "", args.rival
    return whole, None


def _again(athlete: int, args: FollowArgs) -> str:
    """The command a namesake menu runs: the same follow with the athlete picked."""
    extra = [f"event:{args.event}" if args.event else "", f"when:{args.when}" if args.when else "",
             f"spoilers:{args.spoilers}" if args.spoilers else ""]
    return " ".join(x for x in [f"/follow #{athlete}", *extra] if x)


def _describe(services: Services, f: Follow) -> str:
    stats = services.indexes.athletes.stats
    name = stats[f.athlete_id].athlete.name if f.athlete_id in stats else f"athlete #{f.athlete_id}"
    if f.rival_id:
        name += " v " + (stats[f.rival_id].athlete.name if f.rival_id in stats else f"athlete #{f.rival_id}")
    parts = [name] + ([discipline(f.event).name] if f.event else [])
    parts += [] if f.when == RESULTS else [f"{f.when} lists" if f.when == START else "results and start lists"]
    parts += ["spoilers hidden"] if f.spoilers == "on" else []
    return " · ".join(parts)


async def follow(services: Services, args: FollowArgs, ctx: Context) -> Reply:
    user = _user(ctx)
    athletes = services.indexes.athletes
    text_a, text_b = _names(athletes, args, ctx)
    if text_b is None:
        athlete, _ = resolve_one(athletes, text_a, ctx.clickable, lambda i: _again(i, args))
        rival = 0
    else:
        pair = choose_pair(athletes, services.indexes.meetings, text_a, text_b, services.today())
        athlete, rival = pair.a, pair.b
        if athlete == rival:
            raise UserError("A rivalry needs two different athletes.", "Example: /follow Kerr v Ingebrigtsen")
    new = Follow(user, athlete, rival, args.event or "", args.when or RESULTS, args.spoilers or "off",
                 created_at=services.now())
    try:
        stored, added = await services.store.add_follow(new, MAX_FOLLOWS)
    except TooManyFollows:
        raise UserError(f"You already follow {MAX_FOLLOWS} athletes and rivalries, the most I keep.",
                        "See /following, and /unfollow one first.") from None
    what = _describe(services, stored)
    lines = [f"You follow {what}." if added else f"You already follow {what}; settings updated if you changed them."]
    if stored.when == START:
        lines.append("Start-list alerts come once a result source gives start lists; results alerts are off "
                     "for this follow.")
    else:
        lines.append("Results come to your direct messages as they come in; several within a few minutes "
                     "come as one message.")
    return Reply("Following", [Paragraph.of(line) for line in lines],
                 footer=f"/unfollow {stored.id} stops it; /following lists yours.",
                 data={"follow": stored.id, "athlete": stored.athlete_id, "rival": stored.rival_id,
                       "event": stored.event, "when": stored.when, "spoilers": stored.spoilers, "added": added})


async def following(services: Services, args: Args, ctx: Context) -> Reply:
    user = _user(ctx)
    follows = await services.store.follows(user)
    if not follows:
        return Reply("Following", [Paragraph.of("You follow nobody yet.")],
                     footer="Try /follow Kipyegon or /follow Kerr v Ingebrigtsen.")
    rows = tuple((str(f.id), _describe(services, f), "DMs closed: no alerts" if f.gone_at else "") for f in follows)
    paragraphs = [Paragraph.of(f"You have {counted(len(follows), 'follow')} (at most {MAX_FOLLOWS}).")]
    news = [f for f in follows if f.gone_at and not f.gone_reported]
    if news:  # said once; the table keeps the state
        paragraphs.append(Paragraph.of(
            "I could not send you a direct message (you may have closed them), so alerts stopped for "
            f"{counted(len(news), 'follow')}. Open your direct messages to racebot and /follow again."))
        await services.store.gone_reported([f.id for f in news])
    return Reply("Following", paragraphs,
                 Table((Column("No", "right"), Column("What"), Column("")), rows,
                       tuple((f"{no}. {what}", note) for no, what, note in rows)),
                 footer="/unfollow NUMBER stops one; /unfollow all stops all.",
                 data={"follows": [{"id": f.id, "athlete": f.athlete_id, "rival": f.rival_id, "event": f.event,
                                    "when": f.when, "spoilers": f.spoilers, "gone": f.gone_at is not None}
                                   for f in follows]})


async def unfollow(services: Services, args: UnfollowArgs, ctx: Context) -> Reply:
    user = _user(ctx)
    which = (args.which or "").strip().lstrip("#")
    if not which:
        raise UserError("Which follow should I stop?", "/unfollow NUMBER (see /following), or /unfollow all.")
    if which.lower() == "all":
        ended = await services.store.end_follows(user, None)
    elif re.fullmatch(r"[0-9]{1,12}", which):
        ended = await services.store.end_follows(user, [int(which)])
        if not ended:
            raise UserError(f"You have no follow {which}.", "See /following for the numbers.")
    else:
        cands = services.indexes.athletes.candidates(which, 8)
        named = {c.athlete_id for c in cands if c.score >= cands[0].score} if cands else set()
        ids = [f.id for f in await services.store.follows(user) if f.athlete_id in named or f.rival_id in named]
        if not ids:
            raise UserError(f"You don't follow anyone called '{which}'.", "See /following for the numbers.")
        ended = await services.store.end_follows(user, ids)
    return Reply("Unfollowed", [Paragraph.of(f"Stopped {counted(ended, 'follow')}; alerts not yet sent are dropped."
                                             if ended else "You followed nobody.")], data={"ended": ended})


async def forget(services: Services, args: ForgetArgs, ctx: Context) -> Reply:
    if args.who.strip().lower() != "me":
        raise UserError("Say /forget me to delete what racebot keeps about you.", "Nothing was deleted.")
    user = _user(ctx)
    gone = await services.store.forget_user(user, services.now())
    return Reply("Forgotten", [Paragraph.of(
        f"Deleted your {counted(gone, 'follow')} and your direct-message id; alerts not yet sent are dropped.")],
        footer="What racebot keeps, and for how long: docs/privacy.md", data={"forgotten": gone})


FOLLOW = Command(
    "follow", "Get an athlete's results (or a rivalry's meetings) in your direct messages",
    (Param("athlete", Kind.ATHLETE, "Who to follow; 'Kerr v Ingebrigtsen' for a rivalry", autocomplete=True),
     Param("rival", Kind.ATHLETE, "Only races with this rival too (a rivalry)", required=False, autocomplete=True),
     Param("event", Kind.EVENT, "Only this event, e.g. 1500m", required=False, autocomplete=True),
     Param("when", Kind.CHOICE, "Alert on results (default), start lists, or both", required=False, choices=WHEN),
     Param("spoilers", Kind.CHOICE, "on: hide the result behind a spoiler (default off)", required=False,
           choices=SPOILERS)),
    follow, examples=("/follow Kipyegon", "/follow Kerr v Ingebrigtsen", "/follow Femke Bol 400mH spoilers:on"),
    args=FollowArgs)
UNFOLLOW = Command(
    "unfollow", "Stop a follow, or all of them",
    (Param("which", Kind.TEXT, "A follow's number (see /following), a name, or all"),),
    unfollow, examples=("/unfollow 3", "/unfollow all"), args=UnfollowArgs)
FOLLOWING = Command("following", "The athletes and rivalries you follow", (), following, examples=("/following",))
FORGET = Command(
    "forget", "Delete your follows and direct-message id from racebot",
    (Param("who", Kind.TEXT, "Type me"),), forget, examples=("/forget me",), args=ForgetArgs)
COMMANDS = (FOLLOW, UNFOLLOW, FOLLOWING, FORGET)
