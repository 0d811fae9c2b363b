"""Send limits per platform and per channel, so fan-out stays inside each platform's limits.

Each limit is two rules. A token bucket (per_second, burst) shapes the flow and lets a short
stall be made up. A window keeps the count the way a platform counts: at most per_second x W
sends in any W seconds (W = 1 s, or burst / per_second when that is longer: Discord's 5
messages per 5 s in a channel). The platform counts a request when it arrives, which we only
know to be somewhere between sending it and getting the answer, so a send holds its place in
the window from the moment it leaves until W after its answer. Counting from the send alone
is not enough: a stall on either side delivers several requests at once, and at full rate the
platform then refuses a few, whose Retry-After can leave a fan-out waiting seconds for its last rows.

Time comes from the caller (`now`), never from a clock here: tests step it by hand.
Config, per platform (`[announcements.rate_limits.<platform>]`): per_second, burst,
channel_per_second, channel_burst, and dm_per_second, dm_burst for direct messages (follow alerts),
all users' together. A rate of 0 means no limit. `share` (default 1) is this
process's part of the platform's own limit when several processes send for one bot token: each
takes per_second x share (and burst x share, and the DM budget likewise), so together they stay inside it. Channel limits
are not shared: a channel is sent to by one process (Discord: its shard's; docs/scaling-out.md).
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from bot.announce.publishing import ChannelRef

# Published limits, with headroom: Discord 50 requests/s per bot and 5 messages per 5 s per
# channel; Slack chat.postMessage about 1 per second per channel, short bursts allowed.
# Direct messages (follow alerts) share a stricter budget of their own on top: Discord watches bots
# that open many DMs (spam heuristics) and Slack's conversations.open is a Tier 3 method (~50/min).
DEFAULTS: dict[str, dict[str, float]] = {
    "discord": {"per_second": 40, "burst": 40, "channel_per_second": 1, "channel_burst": 5,
                "dm_per_second": 2, "dm_burst": 5},
    "slack": {"per_second": 10, "burst": 20, "channel_per_second": 1, "channel_burst": 3,
              "dm_per_second": 0.8, "dm_burst": 3},
    "console": {"per_second": 0, "burst": 0, "channel_per_second": 0, "channel_burst": 0,
                "dm_per_second": 0, "dm_burst": 0},
}
_SWEEP_FROM = 1024  # channel limits kept before idle ones are swept out
_OTHER = {"per_second": 5, "burst": 5, "channel_per_second": 1, "channel_burst": 1, "dm_per_second": 1,
          "dm_burst": 1}


@dataclass
class TokenBucket:
    rate: float  # tokens per second; 0: unlimited
    burst: float
    tokens: float | None = None  # None: full, never used
    stamp: float | None = None

    def _refill(self, t: float) -> float:
        """The tokens at `t`, kept."""
        tokens = self.burst if self.tokens is None else self.tokens
        if self.stamp is not None and t > self.stamp:
            tokens = min(self.burst, tokens + (t - self.stamp) * self.rate)
        self.tokens = tokens
        self.stamp = t if self.stamp is None else max(self.stamp, t)
        return tokens

    def wait(self, t: float) -> float:
        """Seconds until a token is free (0: one is free now)."""
        if self.rate <= 0:
            return 0.0
        tokens = self._refill(t)
        if tokens >= 1 - 1e-6:  # epoch seconds as floats are only good to ~0.2 µs
            return 0.0
        return max((1 - tokens) / self.rate, 0.001)  # a wait the clock can express

    def take(self, t: float) -> None:
        if self.rate > 0:
            self.tokens = self._refill(t) - 1

    def full(self, t: float) -> bool:
        if self.rate <= 0 or self.tokens is None:
            return True
        return self._refill(t) >= self.burst - 1e-6


class SendWindow:
    """At most `n` sends in any `seconds`, each counted from leaving until `seconds` after its answer."""

    def __init__(self, n: int, seconds: float) -> None:
        self.n, self.seconds = n, seconds
        self.in_flight = 0
        self._answered: deque[float] = deque()  # answer times still inside the window, oldest first

    def wait(self, t: float) -> float:
        while self._answered and self._answered[0] <= t - self.seconds:
            self._answered.popleft()
        if self.in_flight + len(self._answered) < self.n:
            return 0.0
        if not self._answered:  # all in flight: none can count out sooner than a window after its answer
            return self.seconds
        return max(self._answered[0] + self.seconds - t, 0.001)

    def take(self) -> None:
        self.in_flight += 1

    def answered(self, t: float) -> None:
        self.in_flight = max(self.in_flight - 1, 0)
        self._answered.append(max(t, self._answered[-1]) if self._answered else t)

    def empty(self, t: float) -> bool:
        self.wait(t)  # lets answers older than the window go
        return self.in_flight == 0 and not self._answered


class Limit:
    """One platform's, or one channel's: the bucket and the window together."""

    def __init__(self, rate: float, burst: float) -> None:
        self.bucket = TokenBucket(rate, max(burst, 1))
        seconds = max(1.0, self.bucket.burst / rate) if rate > 0 else 0.0
        # Rounded down: processes sharing a limit each take a part, and their parts must not add up past it.
        self.window = SendWindow(max(1, math.floor(rate * seconds + 1e-9)), seconds) if rate > 0 else None

    def wait(self, t: float) -> float:
        return max(self.bucket.wait(t), self.window.wait(t) if self.window else 0.0)

    def take(self, t: float) -> None:
        self.bucket.take(t)
        if self.window:
            self.window.take()

    def answered(self, t: float) -> None:
        if self.window:
            self.window.answered(t)

    def idle(self, t: float) -> bool:
        """As good as a new one: nothing in flight or in the window, the bucket full again."""
        return self.bucket.full(t) and (self.window is None or self.window.empty(t))


class RateLimits:
    def __init__(self, config: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self._config = {p: dict(v) for p, v in DEFAULTS.items()}
        for platform, values in (config or {}).items():
            self._config[platform] = {**self._config.get(platform, _OTHER), **values}
        self._platforms: dict[str, Limit] = {}
        self._channels: dict[ChannelRef, Limit] = {}
        self._dms: dict[str, Limit] = {}  # per platform: every user's direct messages together
        self._sweep_at = _SWEEP_FROM

    def _limits(self, channel: ChannelRef, t: float) -> tuple[Limit, Limit, Limit | None]:
        c = self._config.get(channel.platform, _OTHER)
        platform = self._platforms.get(channel.platform)
        if platform is None:
            share = c.get("share", 1.0)
            platform = self._platforms[channel.platform] = Limit(c["per_second"] * share, c["burst"] * share)
        own = self._channels.get(channel)
        if own is None:
            if len(self._channels) >= self._sweep_at:
                self._sweep(t)
            own = self._channels[channel] = Limit(c["channel_per_second"], c["channel_burst"])
        dm = None
        if channel.user_id:
            dm = self._dms.get(channel.platform)
            if dm is None:
                # Shared like the platform's: every process sending DMs for one token spends one budget.
                share = c.get("share", 1.0)
                dm = self._dms[channel.platform] = Limit(c.get("dm_per_second", 1) * share,
                                                         c.get("dm_burst", 1) * share)
        return platform, own, dm

    def channel_wait(self, channel: ChannelRef, now: datetime) -> float:
        """Seconds until the channel's own limit lets a send through (the platform's aside)."""
        t = now.timestamp()
        _, own, dm = self._limits(channel, t)
        return max(own.wait(t), dm.wait(t) if dm else 0.0)

    def acquire(self, channel: ChannelRef, now: datetime) -> float:
        """0 with a send counted against both limits, or the seconds until both allow one (nothing
        counted). Every acquire that returned 0 is followed by `answered` once the send is over."""
        t = now.timestamp()
        limits = [x for x in self._limits(channel, t) if x is not None]
        wait = max(x.wait(t) for x in limits)
        if wait > 0:
            return wait
        for x in limits:
            x.take(t)
        return 0.0

    def answered(self, channel: ChannelRef, now: datetime) -> None:
        """The send counted by `acquire` is over (answered, failed or abandoned)."""
        t = now.timestamp()
        for x in self._limits(channel, t):
            if x is not None:
                x.answered(t)

    def _sweep(self, t: float) -> None:
        """Forget idle channel limits: a fan-out to 10,000 channels would otherwise keep 10,000
        of them alive for the life of the process."""
        self._channels = {c: lim for c, lim in self._channels.items() if not lim.idle(t)}
        self._sweep_at = max(_SWEEP_FROM, 2 * len(self._channels))
