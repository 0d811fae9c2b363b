"""Send limits: the bucket shapes the flow and lets a stall be made up; the window keeps the count
as a platform keeps it, holding each send's place from leaving until a window after its answer."""
from __future__ import annotations

from collections import deque
from datetime import timedelta

import pytest

from bot.announce.publishing import ChannelRef
from bot.announce.ratelimit import RateLimits
from sched_fakes import T0

C = ChannelRef("slack", "T1", "C1")


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def test_a_send_holds_its_place_in_the_window_until_a_window_after_its_answer():
    limits = RateLimits({"slack": {"per_second": 2, "burst": 2, "channel_per_second": 0}})  # 2 in any 1 s
    assert limits.acquire(C, at(0)) == 0 and limits.acquire(C, at(0)) == 0
    assert limits.acquire(C, at(0.5)) > 0
    limits.answered(C, at(0.5))  # the first answer came late: it may have arrived at 0.5
    assert limits.acquire(C, at(1.2)) == pytest.approx(0.3)  # the bucket has room; the window not until 1.5
    assert limits.acquire(C, at(1.5)) == 0  # 0.5 + 1 s: the first send has left the window
    assert limits.acquire(C, at(1.6)) == 1.0  # the rest are in flight: none can leave before 1 s after its answer


def test_never_more_than_the_window_allows_as_the_platform_counts_even_after_a_stall():
    """Sends land anywhere between leaving and their answer; a stall lets the bucket save up."""
    limits = RateLimits({"slack": {"per_second": 100, "burst": 10, "channel_per_second": 0}})
    t, landed, in_flight = 0.0, [], deque()
    while t < 5.0:
        if 2.0 <= t < 2.3:  # the loop stalls: nothing sent, nothing answered
            t += 0.001
            continue
        while in_flight and in_flight[0][1] <= t:
            sent, answered = in_flight.popleft()
            limits.answered(C, at(answered))
            landed.append(answered)  # the worst case for the platform: each lands as late as it can
        if limits.acquire(C, at(t)) == 0:
            in_flight.append((t, t + 0.004))
        t = round(t + 0.0005, 6)
    landed.sort()
    most = max(sum(1 for x in landed if s <= x < s + 1.0) for s in landed)
    assert most <= 100
    assert len(landed) >= 0.93 * 100 * (5.0 - 0.3)  # yet close to the rate, the stall made up


def test_idle_channel_limits_are_forgotten():
    limits = RateLimits({"slack": {"per_second": 0, "channel_per_second": 1, "channel_burst": 1}})
    for i in range(3000):
        channel = ChannelRef("slack", "T1", f"C{i}")
        assert limits.acquire(channel, at(i * 0.01)) == 0
        limits.answered(channel, at(i * 0.01))
    assert len(limits._channels) < 1500  # only those sent to in the last second or so are kept


def test_direct_messages_share_a_stricter_budget_of_their_own():
    from datetime import datetime, timezone

    from bot.announce.publishing import ChannelRef
    from bot.announce.ratelimit import RateLimits

    limits = RateLimits({"discord": {"dm_per_second": 1, "dm_burst": 2}})
    now = datetime(2024, 6, 7, tzinfo=timezone.utc)
    users = [ChannelRef.for_user("discord", "", str(i)) for i in range(3)]
    assert [limits.acquire(u, now) for u in users[:2]] == [0.0, 0.0]
    assert limits.acquire(users[2], now) > 0  # a third user waits: the DM budget is shared
    assert limits.acquire(ChannelRef("discord", "1", "100"), now) == 0.0  # channels are not held back
