"""Token buckets per platform and per channel, so fan-out stays inside each platform's limits.

Time comes from the caller (`now`), never from a clock here: tests step it by hand.
Config, per platform (`[announcements.rate_limits.<platform>]`): per_second, burst,
channel_per_second, channel_burst. A rate of 0 means no limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from bot.publishing import ChannelRef

# Published limits, with headroom: Discord 50 requests/s per bot and 5 messages per 5 s per
# channel; Slack chat.postMessage about 1 per second per channel, short bursts allowed.
DEFAULTS: dict[str, dict[str, float]] = {
    "discord": {"per_second": 40, "burst": 40, "channel_per_second": 1, "channel_burst": 5},
    "slack": {"per_second": 10, "burst": 20, "channel_per_second": 1, "channel_burst": 3},
    "console": {"per_second": 0, "burst": 0, "channel_per_second": 0, "channel_burst": 0},
}
_OTHER = {"per_second": 5, "burst": 5, "channel_per_second": 1, "channel_burst": 1}


@dataclass
class TokenBucket:
    rate: float  # tokens per second; 0: unlimited
    burst: float
    tokens: float | None = None  # None: full, never used
    stamp: float | None = None

    def _refill(self, t: float) -> None:
        if self.tokens is None:
            self.tokens = self.burst
        if self.stamp is not None and t > self.stamp:
            self.tokens = min(self.burst, self.tokens + (t - self.stamp) * self.rate)
        self.stamp = t if self.stamp is None else max(self.stamp, t)

    def wait(self, t: float) -> float:
        """Seconds until a token is free (0: one is free now)."""
        if self.rate <= 0:
            return 0.0
        self._refill(t)
        if self.tokens >= 1 - 1e-6:  # epoch seconds as floats are only good to ~0.2 µs
            return 0.0
        return max((1 - self.tokens) / self.rate, 0.001)  # a wait the clock can express

    def take(self, t: float) -> None:
        if self.rate > 0:
            self._refill(t)
            self.tokens -= 1


class RateLimits:
    def __init__(self, config: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self._config = {p: dict(v) for p, v in DEFAULTS.items()}
        for platform, values in (config or {}).items():
            unknown = set(values) - set(_OTHER)
            if unknown:
                raise ValueError(f"[announcements.rate_limits.{platform}]: unknown key(s) {', '.join(sorted(unknown))}")
            self._config[platform] = {**self._config.get(platform, _OTHER), **values}
        self._platforms: dict[str, TokenBucket] = {}
        self._channels: dict[ChannelRef, TokenBucket] = {}

    def _buckets(self, channel: ChannelRef) -> tuple[TokenBucket, TokenBucket]:
        c = self._config.get(channel.platform, _OTHER)
        platform = self._platforms.get(channel.platform)
        if platform is None:
            platform = self._platforms[channel.platform] = TokenBucket(c["per_second"], max(c["burst"], 1))
        own = self._channels.get(channel)
        if own is None:
            own = self._channels[channel] = TokenBucket(c["channel_per_second"], max(c["channel_burst"], 1))
        return platform, own

    def channel_wait(self, channel: ChannelRef, now: datetime) -> float:
        """Seconds until the channel's own bucket has a token (the platform's aside)."""
        return self._buckets(channel)[1].wait(now.timestamp())

    def acquire(self, channel: ChannelRef, now: datetime) -> float:
        """0 with a token taken from both buckets, or the seconds until both have one (nothing taken)."""
        t = now.timestamp()
        platform, own = self._buckets(channel)
        wait = max(platform.wait(t), own.wait(t))
        if wait > 0:
            return wait
        platform.take(t)
        own.take(t)
        return 0.0
