"""The one config loader: config.example.toml loads and documents every key, defaults are the
settings classes' own, and every mistake is one error naming the key's path, never a secret."""
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from adapters.discord.settings import DiscordSettings
from adapters.slack.settings import SlackSettings
from bot.announce.delivery import DeliverySettings
from bot.sources.alerts import AlertSettings
from bot.sources.worldathletics.settings import WASettings
from racebot.config import ConfigError, load, parse
from racebot.sections import ConfigFile

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
SECRETS = {"DISCORD_TOKEN": "discord-secret-1", "SLACK_BOT_TOKEN": "xoxb-secret-2", "SLACK_APP_TOKEN": "xapp-secret-3",
           "SLACK_SIGNING_SECRET": "signing-secret-4", "RACEBOT_WA_API_KEY": "wa-secret-5"}


def test_example_config_loads_and_builds_every_settings_object(tmp_path):
    cfg = load(str(EXAMPLE), str(tmp_path / "x.db"), env=SECRETS)
    assert cfg.db_path == tmp_path / "x.db"
    f = cfg.file
    assert f.discord.settings(cfg.env).token == "discord-secret-1"
    assert f.slack.settings(cfg.env).mode == "socket" and f.slack.settings(cfg.env).missing_env() == []
    assert f.sources.worldathletics.enabled and f.sources.worldathletics.settings(cfg.env).api_key == "wa-secret-5"
    assert f.alerts.settings().channel is None
    assert f.announcements.rate_limits.overrides() == {"discord": {"per_second": 40, "burst": 40,
                                                                   "channel_per_second": 1, "channel_burst": 5,
                                                                   "dm_per_second": 2, "dm_burst": 5}}
    assert f.announcements.digest_minutes == 10
    assert f.replay.enabled == "auto"


def _documented() -> dict[str, set[str]]:
    """Table path -> the keys config.example.toml shows in it, commented out or not."""
    keys: dict[str, set[str]] = {"": set()}
    table = ""
    for line in EXAMPLE.read_text("utf-8").splitlines():
        if header := re.match(r"#?\s*\[([\w.]+)\]", line):
            table = header[1]
            keys.setdefault(table, set())
            parts = table.split(".")
            for depth in range(len(parts)):  # [a.b.c] shows a, a.b and a.b.c
                keys.setdefault(".".join(parts[:depth]), set()).add(parts[depth])
        elif key := re.match(r"#?\s*([a-z_]\w*)\s*=", line):
            keys[table].add(key[1])
    return keys


def _tables(model: type[BaseModel], path: str = ""):
    yield path, model
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from _tables(field.annotation, f"{path}.{name}".lstrip("."))


def test_example_config_documents_every_key_of_every_section():
    documented = _documented()
    missing = set()
    for model in {m for _, m in _tables(ConfigFile)}:
        # A model used for several tables (rate limits per platform) is documented once in full.
        shown = set().union(*(documented.get(path, set()) for path, m in _tables(ConfigFile) if m is model))
        missing |= {f"{model.__name__}.{name}" for name in set(model.model_fields) - shown}
    assert not missing
    for path, model in _tables(ConfigFile):
        assert path in documented, f"[{path}] is not in config.example.toml"
        assert documented[path] <= set(model.model_fields), f"[{path}] shows keys nobody reads"


@pytest.mark.parametrize("settings, built", [
    (DeliverySettings, lambda f: f.announcements.delivery()),
    (AlertSettings, lambda f: f.alerts.settings()),
    (WASettings, lambda f: f.sources.worldathletics.settings({})),
    (SlackSettings, lambda f: f.slack.settings({})),
    (DiscordSettings, lambda f: f.discord.settings({"DISCORD_TOKEN": "t"})),
])
def test_an_empty_file_gives_the_settings_classes_own_defaults(settings, built):
    defaults = settings(token="t") if settings is DiscordSettings else settings()
    assert built(parse({})) == defaults


@pytest.mark.parametrize("tables, message", [
    ({"slak": {}}, "unknown section [slak] (known: storage, console, discord, slack, sources, alerts, "
                   "announcements, replay, ops)"),
    ({"storage": "racebot.db"}, "storage: expected a table ([storage]), not a single value"),
    ({"storage": {"db_path": 42}}, "storage.db_path: expected text in quotes"),
    ({"discord": {"sharding": 2}}, "discord.sharding: unknown key (known: enabled, dev_guild, shard_count, "
                                   "shard_ids, api_base_url, gateway_url, defer_after, sync_commands, max_ratelimit_wait)"),
    ({"discord": {"shard_count": "lots"}}, 'discord.shard_count: expected a whole number of shards (0: none) or "auto"'),
    ({"discord": {"shard_ids": [0, 1]}}, 'discord.shard_ids: needs shard_count set to the whole bot\'s number of '
                                         'shards (not "auto")'),
    ({"discord": {"shard_ids": [2, 4], "shard_count": 4}},
     "discord.shard_ids: 4 is not a shard of shard_count = 4 (ids run 0 to 3)"),
    ({"discord": {"shard_ids": [], "shard_count": 4}}, "discord.shard_ids: expected at least one shard id, e.g. [0, 1]"),
    ({"discord": {"shard_ids": [1, 1], "shard_count": 4}}, "discord.shard_ids: lists a shard twice"),
    ({"discord": {"shard_ids": [-1], "shard_count": 4}}, "discord.shard_ids: -1 is not a shard of shard_count = 4"),
    ({"announcements": {"rate_limits": {"slack": {"share": 1.5}}}},
     "announcements.rate_limits.slack.share: expected a number of at most 1"),
    ({"discord": {"dev_guild": "my-server"}}, 'discord.dev_guild: expected a server (guild) id, digits, or "" '
                                             'for global commands'),
    ({"discord": {"defer_after": 3}}, "discord.defer_after: expected a number of at most 2.5"),
    ({"discord": {"gateway_url": "https://gw"}}, "discord.gateway_url: expected a URL starting with ws:// or wss://"),
    ({"discord": {"sync_commands": "yes"}}, "discord.sync_commands: expected true or false"),
    ({"slack": {"http_port": "80"}}, "slack.http_port: expected a whole number"),
    ({"slack": {"mode": "rtm"}}, "slack.mode: expected 'socket' or 'http'"),
    ({"slack": {"admin_user_ids": "U1"}}, 'slack.admin_user_ids: expected a list, e.g. ["a", "b"]'),
    ({"slack": {"admin_user_ids": ["U1", 2]}}, "slack.admin_user_ids[1]: expected text in quotes"),
    ({"sources": {"worldathletics": {"timeout": 3}}}, "sources.worldathletics.timeout: unknown key"),
    ({"sources": {"worldathletics": {"competitions": [1, "2"]}}},
     "sources.worldathletics.competitions[1]: expected a whole number"),
    ({"alerts": {"failing_after_minutes": 0}}, "alerts.failing_after_minutes: expected a number above 0"),
    ({"alerts": {"channel": "C02"}}, 'alerts.channel: expected "platform:workspace:channel", e.g. "slack:T0123:C0456"'),
    ({"announcements": {"useful_hours": "six"}}, "announcements.useful_hours: expected a number"),
    ({"announcements": {"batch": 2.5}}, "announcements.batch: expected a whole number"),
    ({"announcements": {"slice": "4/3"}},
     'announcements.slice: "4/3" is not a slice: k runs from 1 to n, e.g. "1/3", "2/3", "3/3"'),
    ({"announcements": {"slice": "third"}},
     'announcements.slice: expected "k/n", e.g. "1/3" for the first of three processes'),
    ({"announcements": {"slice": 3}},
     'announcements.slice: expected "k/n" as text, e.g. "1/3" for the first of three processes'),
    ({"announcements": {"rate_limits": {"discrod": {}}}},
     "announcements.rate_limits.discrod: unknown key (known: discord, slack, console)"),
    ({"replay": {"enabled": "yes"}}, 'replay.enabled: expected true, false or "auto"'),
    ({"replay": {"channels": ["general"]}}, 'replay.channels[0]: expected "platform:workspace:channel"'),
])
def test_each_mistake_is_named_by_its_key_path(tables, message):
    with pytest.raises(ConfigError) as err:
        parse(tables, where="config.toml: ")
    assert str(err.value).startswith("config.toml: " + message)


def test_every_mistake_in_the_file_is_listed_in_one_error():
    with pytest.raises(ConfigError) as err:
        parse({"discord": {"defer_after": "soon"}, "slack": {"http_port": 70000}})
    assert str(err.value) == "discord.defer_after: expected a number; slack.http_port: expected a number of at most 65535"


@pytest.mark.parametrize("table, key, env", [
    ("discord", "token", "DISCORD_TOKEN"), ("slack", "bot_token", "SLACK_BOT_TOKEN"),
    ("slack", "app_token", "SLACK_APP_TOKEN"), ("slack", "signing_secret", "SLACK_SIGNING_SECRET"),
])
def test_a_secret_in_the_file_is_refused_without_being_repeated(table, key, env):
    with pytest.raises(ConfigError) as err:
        parse({table: {key: "a-secret-in-the-file"}})
    assert str(err.value) == f"{table}.{key}: must not be in the config file; set {env} instead"
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_a_secret_in_the_wrong_key_is_never_repeated_either():
    with pytest.raises(ConfigError) as err:
        parse({"discord": {"dev_guild": "MTIz.a-token-pasted-here"}, "slack": {"mode": "xoxb-secret"},
               "sources": {"worldathletics": {"api_key": "wa-secret"}}})
    assert not any(secret in str(err.value) for secret in ("MTIz", "xoxb", "wa-secret"))
    assert "sources.worldathletics.api_key: must not be in the config file; set RACEBOT_WA_API_KEY" in str(err.value)


def test_secrets_come_from_the_environment_and_never_show_in_a_repr(tmp_path):
    cfg = load(str(EXAMPLE), str(tmp_path / "x.db"), env=SECRETS)
    f = cfg.file
    shown = repr(f) + repr(f.discord.settings(cfg.env)) + repr(f.slack.settings(cfg.env)) + \
        repr(f.sources.worldathletics.settings(cfg.env))
    assert not any(secret in shown for secret in SECRETS.values())


def test_the_environment_overrides_are_checked_at_load(tmp_path):
    with pytest.raises(ConfigError, match="RACEBOT_WA_ENDPOINT: expected a URL starting with http:// or https://"):
        load(str(EXAMPLE), str(tmp_path / "x.db"), env={"RACEBOT_WA_ENDPOINT": "graphql.example"})


def test_sections_are_frozen():
    f = parse({"slack": {"admin_user_ids": ["U1"]}})
    with pytest.raises(Exception, match="frozen"):
        f.slack.mode = "http"  # type: ignore[misc]  # the write that must fail
    assert f.slack.admin_user_ids == ("U1",)


def test_flags_beat_environment_beats_file(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('[storage]\ndb_path = "/from/file.db"\n')
    assert load(str(conf), None, env={}).db_path == Path("/from/file.db")
    assert load(str(conf), None, env={"RACEBOT_DB": "/from/env.db"}).db_path == Path("/from/env.db")
    assert load(str(conf), "/from/flag.db", env={"RACEBOT_DB": "/from/env.db"}).db_path == Path("/from/flag.db")
