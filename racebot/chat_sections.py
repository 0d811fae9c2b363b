"""`[discord]` and `[slack]`: the file's part of each adapter's settings; tokens come from the
environment when the settings are built, and only then."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, model_validator
from pydantic_core import PydanticCustomError

from adapters.discord.settings import MIN_RATELIMIT_WAIT, TOKEN_ENV, DiscordSettings
from adapters.slack.settings import CLIENT_ID_ENV, SECRET_ENV, SlackSettings
from racebot.section_base import Ints, Section, Text, Texts, checked_url

DS, SS = DiscordSettings, SlackSettings  # the defaults below are the adapters' own


def _guild(value: Any) -> int | None:
    if type(value) is int or isinstance(value, str):
        text = str(value).strip()
        if text in ("", "0"):
            return None
        if text.isascii() and text.isdigit():
            return int(text)
    raise PydanticCustomError("guild", 'expected a server (guild) id, digits, or "" for global commands')


def _shards(value: Any) -> int | Literal["auto"] | None:
    if value == "auto" or value is None:
        return value
    if type(value) is int and value >= 0:
        return value or None
    raise PydanticCustomError("shards", 'expected a whole number of shards (0: none) or "auto"')


def _keyed(key: str, message: str) -> PydanticCustomError:
    """An error across keys, named by the key it faults (racebot.config reads `key`)."""
    return PydanticCustomError("keyed", "{message}", {"key": key, "message": message})


class DiscordSection(Section):
    secrets: ClassVar[dict[str, str]] = {"token": TOKEN_ENV}

    enabled: bool = True
    dev_guild: Annotated[int | None, PlainValidator(_guild)] = DS.dev_guild
    shard_count: Annotated[int | Literal["auto"] | None, PlainValidator(_shards)] = DS.shard_count
    shard_ids: Ints | None = DS.shard_ids  # this process's shards; none: all of shard_count
    api_base_url: Annotated[str, checked_url(DS.api_base_url, "http://", "https://"),
                            AfterValidator(lambda url: url.rstrip("/"))] = DS.api_base_url
    gateway_url: Annotated[str, checked_url(DS.gateway_url, "ws://", "wss://")] = DS.gateway_url
    defer_after: Annotated[float, Field(ge=0, le=2.5)] = DS.defer_after  # Discord's deadline is 3 s
    sync_commands: bool = DS.sync_commands
    max_ratelimit_wait: Annotated[float, Field(ge=MIN_RATELIMIT_WAIT, le=3600)] = DS.max_ratelimit_wait

    @model_validator(mode="after")
    def _shards_fit(self) -> "DiscordSection":
        ids, count = self.shard_ids, self.shard_count
        if ids is None:
            return self
        if not isinstance(count, int):
            raise _keyed("shard_ids", "needs shard_count set to the whole bot's number of shards (not \"auto\")")
        if not ids:
            raise _keyed("shard_ids", "expected at least one shard id, e.g. [0, 1]")
        wrong = [i for i in ids if not 0 <= i < count]
        if wrong:
            raise _keyed("shard_ids", f"{wrong[0]} is not a shard of shard_count = {count} (ids run 0 to {count - 1})")
        if len(set(ids)) != len(ids):
            raise _keyed("shard_ids", "lists a shard twice")
        return self

    def settings(self, env: Mapping[str, str]) -> DiscordSettings | None:
        """None when the adapter should not start: switched off, or no token."""
        token = (env.get(TOKEN_ENV) or "").strip()
        if not (self.enabled and token):
            return None
        return DiscordSettings(token=token, **self.model_dump(exclude={"enabled"}))


class SlackSection(Section):
    secrets: ClassVar[dict[str, str]] = {field: env for env, field in SECRET_ENV.items()}

    mode: Annotated[Literal["socket", "http"],
                    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v)] = SS.mode
    http_host: Text = SS.http_host
    http_port: Annotated[int, Field(ge=0, le=65535)] = SS.http_port  # 0 picks a free port
    api_base_url: Annotated[str, checked_url(SS.api_base_url, "http://", "https://"),
                            AfterValidator(lambda url: url if url.endswith("/") else url + "/")] = SS.api_base_url
    admin_user_ids: Texts = ()
    client_id: str = ""  # the OAuth install flow for many workspaces; SLACK_CLIENT_ID wins
    redirect_uri: Annotated[str, checked_url("", "https://", "http://")] = ""

    @model_validator(mode="after")
    def _oauth_over_http(self) -> "SlackSection":
        if self.client_id and self.mode != "http":
            raise PydanticCustomError("oauth_mode", 'client_id (the install flow) needs mode = "http": '
                                      "Slack sends browsers to racebot's /slack/install and /slack/oauth_redirect")
        return self

    def settings(self, env: Mapping[str, str]) -> SlackSettings:
        admins = frozenset(a.strip() for a in self.admin_user_ids if a.strip())
        tokens: dict[str, Any] = {field: (env.get(name) or "").strip() for name, field in SECRET_ENV.items()}
        client_id = (env.get(CLIENT_ID_ENV) or "").strip() or self.client_id.strip()
        if client_id and self.mode != "http":
            client_id = ""  # from the environment alone: single-workspace Socket Mode goes on as before
        return SlackSettings(**self.model_dump(exclude={"admin_user_ids", "client_id"}), admin_user_ids=admins,
                             client_id=client_id, **tokens)
