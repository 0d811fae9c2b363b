"""`racebot outbox` and `racebot subscriptions`: what is queued, sent and failed, and who follows what."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.announce.outbox import FAILED, PENDING, STATES
from bot.domain.race_report import gender_label
from bot.replies import Column, Table, format_table
from racebot.config import Config

_SHOWN = {"pending": (PENDING,), "failed": (FAILED,), "all": STATES}


def add_parsers(sub) -> None:
    out = sub.add_parser("outbox", help="announcements pending, delivered and failed")
    out.add_argument("--state", choices=sorted(set(STATES) | {"all"}), default="all")
    out.add_argument("--limit", type=int, default=20, help="rows shown, newest first (default 20)")
    subs = sub.add_parser("subscriptions", help="channels subscribed to announcements")
    subs.add_argument("--all", action="store_true", help="ended ones too")
    for p in (out, subs):
        p.add_argument("--replay", action="store_true", help="the replay's store, not the real one")
        p.add_argument("--json", action="store_true", help="print the structured result")


async def run(cfg: Config, args) -> int:
    from racebot.stores import open_store

    path: Path | None = cfg.db_path
    if args.replay:  # the replay's store is a SQLite file beside the main one, whatever that is
        from racebot.replay_store import replay_db_path

        path = replay_db_path(cfg.file.replay, cfg.db_path)
    elif cfg.database_url:
        path = None
    if path is not None and not path.exists():
        print(f"racebot {args.cmd}: no store at {path} yet", file=sys.stderr)
        return 1
    store = await open_store(path or cfg.store)
    try:
        return await (_outbox(store, args) if args.cmd == "outbox" else _subscriptions(store, args))
    finally:
        await store.close()


async def _outbox(store, args) -> int:
    counts = await store.outbox_counts()
    items = await store.outbox_rows(_SHOWN.get(args.state, (args.state,)), args.limit)
    competitions = {c.id: c for c in await store.competitions()}
    rows = []
    for item in items:
        race = await store.race(item.race_id)
        comp = competitions.get(race.competition_id) if race else None
        event = " ".join(filter(None, (gender_label(race.gender), race.discipline.name))) if race else ""
        what = f"{event} · {comp.label}" if race and comp else f"race {item.race_id}"
        when = item.delivered_at or item.next_attempt_at
        rows.append({"id": item.id, "state": item.state, "kind": item.kind, "channel": str(item.subscription.channel),
                     "race": what, "revision": item.revision, "attempts": item.attempts,
                     "at": when.isoformat(timespec="seconds") if when else "", "detail": item.detail or item.note})
    if args.json:
        print(json.dumps({"counts": counts, "rows": rows}, ensure_ascii=False, indent=2))
        return 0
    print("Outbox: " + (", ".join(f"{counts[s]} {s}" for s in STATES if counts.get(s)) or "empty"))
    if rows:
        cols = ("id", "state", "kind", "channel", "race", "revision", "attempts", "at", "detail")
        table = Table(tuple(Column(c, "right" if c in ("id", "revision", "attempts") else "left") for c in cols),
                      tuple(tuple(str(r[c])[:60] for c in cols) for r in rows))
        print("\n".join(format_table(table)))
    return 0


async def _subscriptions(store, args) -> int:
    subs = await store.subscriptions(include_inactive=args.all)
    rows = [{"id": s.id, "channel": str(s.channel), "what": s.describe(), "active": s.active,
             "since": s.created_at.isoformat(timespec="seconds") if s.created_at else "",
             "by": s.created_by, "ended": s.disabled_reason} for s in subs]
    if args.json:
        print(json.dumps({"subscriptions": rows}, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("No subscriptions. In a channel, an admin types /subscribe.")
        return 0
    cols = ("id", "channel", "what", "since", "by") + (("ended",) if args.all else ())
    print("\n".join(format_table(Table(tuple(Column(c) for c in cols),
                                       tuple(tuple(str(r[c]) for c in cols) for r in rows)))))
    return 0
