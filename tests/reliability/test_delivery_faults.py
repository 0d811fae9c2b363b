"""Nothing lost, nothing twice, through the real Deliverer, a real SQLite store and the real Slack
and Discord publishers against the loopback fakes: rate-limit storms longer than any retry
window, 5xx without Retry-After, answers lost after the platform stored the message, a sender
dying after its post, a retry later than Discord's nonce window, and two senders on one store.
The fast cases; tests/reliability/test_delivery_storms.py runs the long ones (`-m slow`)."""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest

from delivery_rig import (channels, deliver_until_settled, deliverer, discord_key_of, discord_posts,
                          discord_publisher, lost_and_duplicated, queue_announcements, slack_key_of, slack_posts,
                          slack_publisher)
from fake_discord import DROPPED, FakeDiscord
from fake_slack import LOST_ACK, FakeSlack
from sched_fakes import MEN_1500, FakeClock, ListSource, race_rows

from bot.commands.registry import Context
from bot.announce.jobs import utc_now
from bot.announce.poller import Poller
from bot.announce.subscriptions import Subscription
from storage.outbox.convert import ts
from storage.sqlite import SqliteStore

def ratelimited(retry_after: int) -> tuple:
    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}

SERVER_ERROR = (500, {"ok": False, "error": "internal_error"}, {})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc_now())  # the fakes' clocks follow it; rows are due now, not long expired


@pytest.fixture
async def store(tmp_path):
    s = await SqliteStore.open(tmp_path / "racebot.db")
    yield s
    await s.close()


@pytest.fixture
async def slack(clock):
    fake = FakeSlack()
    fake.clock = lambda: clock().timestamp()  # message ts on the clock the look-back uses
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def discord_fake(clock):
    fake = await FakeDiscord().start()
    fake.clock = lambda: clock().timestamp()
    yield fake
    await fake.close()


def once_per_channel(fault, method: str = "chat.postMessage"):
    """A fault policy that strikes the first call of `method` to each channel."""
    struck: set[str] = set()

    def policy(called: str, args: dict):
        if called == method and args.get("channel") not in struck:
            struck.add(args.get("channel"))
            return fault
        return None
    return policy


def expected(targets, keys, key_of) -> list[tuple[str, str]]:
    return [key_of(c, k) for c, k in zip(targets, keys)]


# --- item 3: refusals delay, they do not fail ------------------------------------------------
async def test_a_429_storm_longer_than_the_old_retry_window_delivers_everything_once_afterwards(store, clock, slack):
    targets = channels("slack", 5)
    keys = await queue_announcements(store, clock(), targets)
    # 400 s of 429s: the old outbox gave up on its 8th attempt, about 270 s in, and never tried again.
    storm_ends = clock() + timedelta(seconds=400)
    slack.fault = lambda method, args: (ratelimited(10) if method == "chat.postMessage" and clock() < storm_ends
                                        else None)
    async with slack_publisher(slack) as pub:
        await deliver_until_settled(deliverer(store, pub, clock), store, clock)
    assert await store.outbox_counts() == {"delivered": 5}
    assert lost_and_duplicated(slack_posts(slack), expected(targets, keys, slack_key_of)) == (0, 0)
    attempts = [a for (a,) in await store.conn.execute_fetchall("SELECT attempts FROM outbox")]
    assert min(attempts) >= 40  # refused all through the storm, retried as often as Slack allowed


async def test_5xx_without_retry_after_backs_off_from_about_a_second(store, clock, slack):
    targets = channels("slack", 50)
    keys = await queue_announcements(store, clock(), targets)
    rng = random.Random(3)
    slack.fault = lambda method, args: SERVER_ERROR if method == "chat.postMessage" and rng.random() < 0.3 else None
    start = clock()
    async with slack_publisher(slack) as pub:
        await deliver_until_settled(deliverer(store, pub, clock), store, clock)
    # A flat 30 s per retry made this last 90 s; backing off from about 1 s it takes about 4 s.
    assert (clock() - start).total_seconds() < 15
    assert lost_and_duplicated(slack_posts(slack), expected(targets, keys, slack_key_of)) == (0, 0)
    assert len(slack.called("chat.postMessage")) > 60  # errors were injected


async def test_a_row_refused_past_its_usefulness_expires_and_status_reports_it(core, clock, slack, caplog):
    targets = channels("slack", 3)
    await queue_announcements(core.store, clock(), targets)
    slack.fault = lambda method, args: ratelimited(60) if method == "chat.postMessage" else None
    async with slack_publisher(slack) as pub:
        d = deliverer(core.store, pub, clock, useful_hours=0.5)
        for _ in range(3):
            stats = await d.run()
            clock.advance(stats.next_wait or 1.0)
        status = (await core.handle_text("/status", Context())).plain_text()
        assert "3 waiting to be posted, 3 of them retrying after the platform refused or failed (last: " \
               "ratelimited)" in status
        clock.advance(31 * 60)
        with caplog.at_level(logging.WARNING, logger="bot.announce.delivery"):
            assert (await d.run()).expired == 3
    assert await core.store.outbox_counts() == {"expired": 3}
    assert "3 announcement(s) expired: not accepted by the platform within 0.5 h" in caplog.text
    reply = await core.handle_text("/status", Context())
    assert "Announcements: 3 expired unsent" in reply.plain_text()
    assert reply.data["announcements"]["expired"] == 3


# --- item 4: an answer lost, a sender dead: looked for before posting again --------------------
async def test_slack_lost_acks_post_each_announcement_once(store, clock, slack):
    targets = channels("slack", 20)
    keys = await queue_announcements(store, clock(), targets)
    slack.fault = once_per_channel(LOST_ACK)  # Slack stores the message, then answers 500
    async with slack_publisher(slack) as pub:
        await deliver_until_settled(deliverer(store, pub, clock), store, clock)
    assert lost_and_duplicated(slack_posts(slack), expected(targets, keys, slack_key_of)) == (0, 0)
    assert await store.outbox_counts() == {"delivered": 20}
    assert len(slack.called("conversations.history")) == 20  # looked once for each row in doubt
    post = slack.posts[0]
    assert post["metadata"] == {"event_type": "racebot_announcement", "event_payload": {"key": keys[0], "part": 0}}


async def test_slack_sender_killed_after_posting_then_a_fresh_process_posts_nothing_twice(store, clock, slack):
    targets = channels("slack", 12)
    keys = await queue_announcements(store, clock(), targets)
    async with slack_publisher(slack) as pub:
        doomed = asyncio.create_task(deliverer(store, pub, clock, concurrency=4).run())
        real_send = pub.send

        async def send_then_die(*args, **kwargs):
            answer = await real_send(*args, **kwargs)
            if len(slack.posts) >= 6:
                doomed.cancel()  # dies right after a post, before it is marked
            return answer

        pub.send = send_then_die
        with pytest.raises(asyncio.CancelledError):
            await doomed
    unmarked = len(slack.posts) - (await store.outbox_counts()).get("delivered", 0)
    assert unmarked >= 1
    clock.advance(121)  # the dead sender's leases lapse, and one more lease passes before a takeover
    async with slack_publisher(slack) as fresh:  # a new process: nothing remembered in memory
        await deliver_until_settled(deliverer(store, fresh, clock), store, clock)
    assert lost_and_duplicated(slack_posts(slack), expected(targets, keys, slack_key_of)) == (0, 0)
    assert len(slack.called("conversations.history")) >= unmarked


@pytest.mark.parametrize("refusal", ["missing_scope", "not_in_channel"])
async def test_slack_history_it_may_not_read_posts_anyway_and_says_so(store, clock, slack, caplog, refusal):
    # missing_scope: installed before the history scopes; not_in_channel: a public channel posted
    # to through chat:write.public, which the bot may post in but not read.
    targets = channels("slack", 1)
    await queue_announcements(store, clock(), targets)
    slack.fail_next("chat.postMessage", *SERVER_ERROR)  # refused before storing: in doubt, not posted
    slack.fail_next("conversations.history", 200, {"ok": False, "error": refusal})
    async with slack_publisher(slack) as pub:
        with caplog.at_level(logging.WARNING):
            await deliver_until_settled(deliverer(store, pub, clock), store, clock)
    assert len(slack.posts) == 1 and await store.outbox_counts() == {"delivered": 1}
    assert "re-authorise the app with the history scopes" in caplog.text
    assert [s.active for s in await store.subscriptions(include_inactive=True)] == [True]  # not taken for gone


@pytest.mark.parametrize("late", [False, True])
async def test_discord_answer_lost_then_a_retry_inside_or_past_the_nonce_window_posts_once(
        store, clock, discord_fake, late):
    discord_fake.nonce_seconds = 60  # Discord's de-duplication lasts minutes, not hours
    targets = channels("discord", 6)
    keys = await queue_announcements(store, clock(), targets)
    discord_fake.fault = lambda method, path: (DROPPED if method == "POST" and path.endswith("/messages")
                                               and not discord_fake.channel_messages.get(path.split("/")[2])
                                               else None)
    async with discord_publisher(discord_fake, clock) as pub:
        # A late retry: backed off past both the nonce's window and the publisher's trust in it.
        d = deliverer(store, pub, clock, backoff_initial_seconds=600 if late else 1)
        await deliver_until_settled(d, store, clock)
    assert lost_and_duplicated(discord_posts(discord_fake), expected(targets, keys, discord_key_of)) == (0, 0)
    assert await store.outbox_counts() == {"delivered": 6}
    reads = discord_fake.requests_to("GET", r"^/channels/\d+/messages")
    assert len(reads) == (6 if late else 0)  # inside the window the nonce is enough


# --- item 5: two senders on one store ------------------------------------------------------
async def test_two_senders_with_a_lease_shorter_than_a_send_post_nothing_twice(tmp_path, slack):
    slack.clock = time.time  # real time: both senders run on the real clock
    slack.delays["chat.postMessage"] = 1.0  # each send outlasts the 0.3 s lease (and the grace after it)
    first, second = await SqliteStore.open(tmp_path / "racebot.db"), await SqliteStore.open(tmp_path / "racebot.db")
    try:
        targets = channels("slack", 3)
        keys = await queue_announcements(first, utc_now(), targets)
        async with slack_publisher(slack) as a, slack_publisher(slack) as b:
            def sender(store, publisher):
                return deliverer(store, publisher, utc_now, sleep=asyncio.sleep, lease_seconds=0.3).run()

            early = asyncio.create_task(sender(first, a))
            await asyncio.sleep(0.5)  # the second starts while the first is mid-send, past its first lease
            await asyncio.gather(early, sender(second, b))
        assert lost_and_duplicated(slack_posts(slack), expected(targets, keys, slack_key_of)) == (0, 0)
        assert await first.outbox_counts() == {"delivered": 3}
    finally:
        await first.close()
        await second.close()


async def test_a_lease_runs_from_its_claim_not_from_the_pass_that_found_the_row(store, clock, slack):
    await queue_announcements(store, clock(), channels("slack", 2))
    left = []
    async with slack_publisher(slack) as pub:
        real_send = pub.send

        async def slow_send(*args, **kwargs):
            [(lease,)] = await store.conn.execute_fetchall("SELECT lease_until FROM outbox WHERE lease_until IS NOT NULL")
            left.append(datetime.fromisoformat(lease) - clock())
            clock.advance(90)  # longer than a lease: the next lane waits at the gate meanwhile
            return await real_send(*args, **kwargs)

        pub.send = slow_send
        assert (await deliverer(store, pub, clock, concurrency=1).run()).delivered == 2
    # Dated from the pass, the second lease would have been over 30 s before its send began.
    assert left == [timedelta(seconds=60)] * 2


async def test_a_sender_that_lost_its_lease_marks_nothing_and_the_new_holder_finds_its_post(store, clock, slack):
    [target] = channels("slack", 1)
    [key] = await queue_announcements(store, clock(), [target])
    async with slack_publisher(slack) as a, slack_publisher(slack) as b:
        taken_over = {}

        async def stalls_after_posting(*args, **kwargs):
            answer = await real_send(*args, **kwargs)
            # It stalls past its lease and the grace after it (no renewal got through); another
            # sender claims the row and finishes it before this one wakes up with its answer.
            await store.conn.execute("UPDATE outbox SET lease_until = ?", (ts(clock() - timedelta(seconds=61)),))
            taken_over["stats"] = await deliverer(store, b, clock).run()
            return answer

        real_send, a.send = a.send, stalls_after_posting
        stats = await deliverer(store, a, clock).run()
    assert stats.delivered == 0  # its mark carried an old token: refused
    assert taken_over["stats"].delivered == 1
    [(state, detail, token)] = await store.conn.execute_fetchall("SELECT state, detail, token FROM outbox")
    assert (state, detail, token) == ("delivered", "1 part(s) found in the channel", 2)
    assert slack_posts(slack) == {(target.channel, key): 1}


async def test_slack_spoiler_thread_part_lost_then_resumed_by_a_fresh_process_without_repeats(store, clock, slack):
    [target] = channels("slack", 1)
    now = clock()
    await store.add_subscription(Subscription(target, spoiler="hide", created_at=now))
    source = ListSource()
    poller = Poller(source, store)
    await poller.poll_once(now)
    source.add(race_rows("1500m", "M", MEN_1500, competition="Rig Meeting"))
    await poller.poll_once(now)
    # The headline goes out; the result in its thread is stored by Slack, whose answer is lost.
    slack.fault = lambda method, args: LOST_ACK if method == "chat.postMessage" and "thread_ts" in args else None
    async with slack_publisher(slack) as pub:
        assert (await deliverer(store, pub, clock).pass_once(clock())).retried == 1
    slack.fault = None
    clock.advance(5)
    async with slack_publisher(slack) as fresh:  # another process picks the row up
        await deliver_until_settled(deliverer(store, fresh, clock), store, clock)
    parts = Counter((p["metadata"]["event_payload"]["part"], "thread_ts" in p) for p in slack.posts)
    assert parts == {(0, False): 1, (1, True): 1}  # the headline once, the result once in its thread
    assert len(slack.called("conversations.replies")) == 1
    assert await store.outbox_counts() == {"delivered": 1}
