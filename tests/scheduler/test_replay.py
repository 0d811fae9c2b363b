"""The replay source: a bundled meeting, race by race on an accelerated (here: fake) clock."""
from __future__ import annotations

from datetime import timedelta

from bot.announce.message import Announcer
from bot.announce.delivery import Deliverer, DeliverySettings
from bot.domain.disciplines import discipline_or_custom
from bot.announce.poller import Poller
from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from bot.sources.replay import ReplaySource
from bot.announce.subscriptions import Subscription
from bot.ingest.dl_archive import read_meeting
from racebot.bundled import ARCHIVE_SOURCE, archive_meeting, archive_stems, meetings_info
from racebot.replay_store import resolve_meeting
from racebot.sections import DEFAULT_MEETING
from sched_fakes import FakePublisher

CONSOLE = ChannelRef("console", "", "terminal")


def lausanne_rows():
    meetings = meetings_info()
    stems = archive_stems()
    assert len(stems) == 195 and stems == sorted(stems, key=lambda s: tuple(map(int, s.split("_"))))
    assert resolve_meeting("lausanne 2022", stems, meetings) == DEFAULT_MEETING
    return read_meeting(DEFAULT_MEETING, archive_meeting(DEFAULT_MEETING), meetings, ARCHIVE_SOURCE)


def title(race_rows) -> str:
    r = race_rows[0]
    label = f" ({r.race_label})" if r.race_label else ""
    rnd = f" Final {r.race}" if r.race > 1 else ""
    gender = {"M": "Men's", "W": "Women's"}[r.gender]
    return f"{gender} {discipline_or_custom(r.event).name}{rnd}{label} · Athletissima 2022"


async def test_the_meeting_is_announced_race_by_race_in_programme_order(store, clock):
    source = ReplaySource(lausanne_rows(), first_after_seconds=3, interval_seconds=8)
    programme = source.races
    assert len(programme) == 24
    kinds = [(bool(r[0].race_label), not discipline_or_custom(r[0].event).is_field) for r in programme]
    assert kinds == sorted(kinds)  # Diamond League field, Diamond League track, then the side events
    await store.add_subscription(Subscription(CONSOLE, created_at=clock()))
    poller = Poller(source, store)
    pub = FakePublisher("console", clock)
    deliver = Deliverer(store, Announcer(store, source_label="Replay of Athletissima 2022, not live").render,
                        {"console": pub}, RateLimits(), DeliverySettings(), clock=clock, sleep=clock.sleep)
    start = clock()
    first = await poller.poll_once(start)  # starts the replay clock: nothing final yet
    assert (first.baseline, first.rows, first.next_poll) == (True, 0, start + timedelta(seconds=3))
    assert (await poller.poll_once(clock.advance(2.9))).rows == 0
    got = await poller.poll_once(clock.advance(0.1))
    assert (got.announcements, got.next_poll) == (1, start + timedelta(seconds=11))
    await deliver.run()
    assert [p.reply.title for p in pub.posted] == [title(programme[0])]
    assert pub.posted[0].reply.footer.endswith("Replay of Athletissima 2022, not live · Result in at 19:00 UTC")
    clock.advance(8 * 5)  # a late poll catches up: five races at once, still in order
    assert (await poller.poll_once(clock())).announcements == 5
    while not source.finished:
        report = await poller.poll_once(clock.advance(8))
        await deliver.run()
    assert report.next_poll > clock() + timedelta(minutes=30)  # over: the source idles
    await deliver.run()
    assert [p.reply.title for p in pub.posted] == [title(race) for race in programme]
