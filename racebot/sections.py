"""The config file's tables as typed models: what each key may hold and what it is by default.

Every model is frozen, strict (TOML's own types: "80" is not a port, 3.5 is not a count) and
refuses keys it does not know, so a typo stops start-up with the key's path instead of being
ignored. Secrets never come from the file: a section names the environment variable for each of
its secrets, and that key in the file is an error which never repeats the value. The settings
objects that bot/ and the adapters use are plain frozen dataclasses built from these models
(`settings()`), which keeps the validation library in the composition root. A default that
bot/ or an adapter already defines is read from its dataclass, so the two cannot disagree.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, PlainValidator, Strict, model_validator
from pydantic_core import PydanticCustomError

from bot.announce.delivery import DeliverySettings
from bot.announce.publishing import ChannelRef
from bot.announce.slices import Slice
from bot.sources.alerts import AlertSettings
from bot.sources.worldathletics.settings import ENV_API_KEY, ENV_ENDPOINT, WASettings
from racebot.chat_sections import DiscordSection, SlackSection
from racebot.database_url import POSTGRES_SCHEMES, password_of
from racebot.ops_section import OpsSection
from racebot.section_base import Count, Ints, NonNegative, Positive, Section, Text, Texts, checked_url

log = logging.getLogger(__name__)

Days = Annotated[int, Field(ge=0)]


def _channel(text: str) -> str:
    if text and text.count(":") < 2:
        raise ValueError('expected "platform:workspace:channel", e.g. "slack:T0123:C0456"')
    return text.strip()


Channel = Annotated[str, AfterValidator(_channel)]
# list_of(Channel), spelled out so that the type checker sees a tuple of str
Channels = Annotated[tuple[Annotated[Channel, Strict()], ...], Strict(False)]
DEFAULT_MEETING = "2022_36"  # Athletissima, Lausanne, 26 August 2022
WA = WASettings  # defaults below are read from the source's own settings


def _database_url(text: str) -> str:
    """A PostgreSQL URL without a password: that is a secret, for PGPASSWORD or RACEBOT_DATABASE_URL."""
    if not text.startswith(POSTGRES_SCHEMES):
        raise ValueError("expected a URL starting with postgresql:// (no url: the SQLite file at db_path)")
    if password_of(text):
        raise ValueError("must not hold a password in the config file; set PGPASSWORD, or the whole URL "
                         "in RACEBOT_DATABASE_URL, instead")
    return text


class StorageSection(Section):
    db_path: Text | None = None  # --db and RACEBOT_DB win
    url: Annotated[str, AfterValidator(_database_url)] | None = None  # PostgreSQL; RACEBOT_DATABASE_URL wins


class ConsoleSection(Section):
    enabled: bool = False  # the REPL beside chat adapters; it always opens when none is configured


class WorldAthleticsSection(Section):
    secrets: ClassVar[dict[str, str]] = {"api_key": ENV_API_KEY}

    enabled: bool = False  # a live source is polled only when switched on
    endpoint: Annotated[str, checked_url(WA.endpoint, "http://", "https://")] = WA.endpoint
    series: Texts = WA.series
    competitions: Ints = WA.competitions
    timeout_seconds: Positive = WA.timeout_seconds
    retry_attempts: Count = WA.retry_attempts
    backoff_initial_seconds: NonNegative = WA.backoff_initial_seconds
    backoff_max_seconds: NonNegative = WA.backoff_max_seconds
    max_retry_after_seconds: NonNegative = WA.max_retry_after_seconds
    breaker_failures: Count = WA.breaker_failures
    breaker_reset_seconds: NonNegative = WA.breaker_reset_seconds
    calendar_refresh_minutes: Positive = WA.calendar_refresh_minutes
    lookback_days: Days = WA.lookback_days
    lookahead_days: Days = WA.lookahead_days
    settle_days: Days = WA.settle_days
    live_poll_seconds: Positive = WA.live_poll_seconds
    idle_poll_seconds: Positive = WA.idle_poll_seconds
    user_agent: Text = WA.user_agent

    def settings(self, env: Mapping[str, str]) -> WASettings:
        """The environment's endpoint and key win over the file's endpoint and the public key."""
        values = self.model_dump(exclude={"enabled"})
        endpoint = (env.get(ENV_ENDPOINT) or "").strip()
        if endpoint:
            if not endpoint.startswith(("https://", "http://")):
                raise ValueError(f"{ENV_ENDPOINT}: expected a URL starting with http:// or https://")
            values["endpoint"] = endpoint
        if (env.get(ENV_API_KEY) or "").strip():
            values["api_key"] = env[ENV_API_KEY].strip()
        return WASettings(**values)


class SourcesSection(Section):
    worldathletics: WorldAthleticsSection = WorldAthleticsSection()


class AlertsSection(Section):
    channel: Channel = ""  # none: no alerts
    failing_after_minutes: Positive = AlertSettings.failing_after.total_seconds() / 60

    def settings(self) -> AlertSettings:
        return AlertSettings(ChannelRef.parse(self.channel) if self.channel else None,
                             timedelta(minutes=self.failing_after_minutes))


class RateLimitSection(Section):
    """One platform's send rates; a key left out keeps that platform's default (bot.announce.ratelimit)."""

    per_second: NonNegative | None = None  # 0: no limit
    burst: NonNegative | None = None
    channel_per_second: NonNegative | None = None
    channel_burst: NonNegative | None = None
    dm_per_second: NonNegative | None = None  # every user's direct messages together (follow alerts)
    dm_burst: NonNegative | None = None
    # This process's part of per_second and burst, when several processes send for one bot token
    # (default 1; Discord with shard_ids: its shards' part, len(shard_ids) / shard_count).
    share: Annotated[float, Field(gt=0, le=1)] | None = None


class RateLimitsSection(Section):
    discord: RateLimitSection = RateLimitSection()
    slack: RateLimitSection = RateLimitSection()
    console: RateLimitSection = RateLimitSection()

    def overrides(self) -> dict[str, dict[str, float]]:
        """What RateLimits lays over its per-platform defaults."""
        return {name: values for name, values in self.model_dump(exclude_none=True).items() if values}


D = DeliverySettings


def _slice(value: Any) -> Slice | None:
    if value is None or isinstance(value, Slice):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("slice", 'expected "k/n" as text, e.g. "1/3" for the first of three processes')
    try:
        return Slice.parse(value)
    except ValueError as e:
        raise PydanticCustomError("slice", str(e)) from None


class AnnouncementsSection(Section):
    # Keys of earlier versions, accepted with a warning so that an existing config still starts.
    retired: ClassVar[dict[str, str]] = {
        "max_attempts": "a row is retried until it is delivered or useful_hours have passed"}

    enabled: bool = True
    delivery_seconds: Positive = 2.0  # how often the delivery job looks for due rows
    poll_seconds: Positive | None = None  # a live source's poll interval; none: the source's idle interval
    digest_minutes: Positive = 10.0  # a user's follow alerts within this window come as one message
    namespace: Text = D.namespace
    batch: Count = D.batch
    per_channel_window: Count = D.per_channel_window
    concurrency: Count = D.concurrency
    lease_seconds: Positive = D.lease_seconds
    useful_hours: Positive = D.useful_hours
    backoff_initial_seconds: NonNegative = D.backoff_initial_seconds
    backoff_max_seconds: NonNegative = D.backoff_max_seconds
    budget_seconds: NonNegative = D.budget_seconds
    queue_seconds: NonNegative = D.queue_seconds
    rate_limits: RateLimitsSection = RateLimitsSection()
    # "k/n": this process delivers the k-th of n slices of the channels of platforms without
    # shards (Slack); none: all of them (bot.announce.slices)
    slice: Annotated[Slice | None, PlainValidator(_slice)] = None

    @model_validator(mode="before")
    @classmethod
    def _drop_retired(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for key in sorted(set(data) & set(cls.retired)):
            log.warning("announcements.%s is no longer used: %s", key, cls.retired[key])
        return {key: value for key, value in data.items() if key not in cls.retired}

    def delivery(self) -> DeliverySettings:
        return DeliverySettings(**self.model_dump(include=set(D.__dataclass_fields__) - {"slice"}), slice=self.slice)


def _replay_enabled(value: Any) -> bool | str:
    if isinstance(value, bool) or value == "auto":
        return value
    raise PydanticCustomError("replay_enabled", 'expected true, false or "auto"')


class ReplaySection(Section):
    """`[replay]`: the bundled meeting replayed as if live, for the embedded default."""

    # auto: only when no chat platform and no live source is configured
    enabled: Annotated[bool | Literal["auto"], PlainValidator(_replay_enabled)] = "auto"
    meeting: Text = DEFAULT_MEETING  # an archive file ("2022_36") or words ("lausanne 2022")
    first_after_seconds: NonNegative = 3.0
    interval_seconds: Positive = 8.0
    poll_seconds: Positive = 1.0
    channels: Channels = ()  # more channels to replay into, e.g. "discord:<guild>:<channel>"
    db_path: str = ""  # default: <store>-replay.db beside the store


class ConfigFile(Section):
    """The whole file: one table per section, each optional."""

    storage: StorageSection = StorageSection()
    console: ConsoleSection = ConsoleSection()
    discord: DiscordSection = DiscordSection()
    slack: SlackSection = SlackSection()
    sources: SourcesSection = SourcesSection()
    alerts: AlertsSection = AlertsSection()
    announcements: AnnouncementsSection = AnnouncementsSection()
    replay: ReplaySection = ReplaySection()
    ops: OpsSection = OpsSection()

