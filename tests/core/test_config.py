"""config.example.toml stays loadable and every section in it is accepted by its owner."""
from pathlib import Path

from adapters.discord.settings import parse_settings
from adapters.slack.settings import SlackSettings
from bot.announce.delivery import DeliverySettings
from bot.announce.ratelimit import RateLimits
from bot.sources.alerts import AlertSettings
from bot.sources.worldathletics.settings import WASettings
from racebot.config import load
from racebot.replay_store import ReplaySettings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"
ENV = {"DISCORD_TOKEN": "test-token", "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_APP_TOKEN": "xapp-test"}


def test_example_config_sections_are_valid(tmp_path):
    cfg = load(str(EXAMPLE), str(tmp_path / "x.db"), env=ENV)
    assert cfg.db_path == tmp_path / "x.db"
    assert parse_settings(cfg.section("discord"), ENV) is not None
    assert SlackSettings.load(cfg.section("slack"), ENV).mode == "socket"
    assert WASettings.from_config(cfg.section("sources", "worldathletics"), {}).endpoint.startswith("https://")
    AlertSettings.from_config(cfg.section("alerts"))
    DeliverySettings.from_config(cfg.section("announcements"))
    RateLimits(cfg.section("announcements", "rate_limits"))
    ReplaySettings.from_config(cfg.section("replay"))


def test_flags_beat_environment_beats_file(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('[storage]\ndb_path = "/from/file.db"\n')
    assert load(str(conf), None, env={}).db_path == Path("/from/file.db")
    assert load(str(conf), None, env={"RACEBOT_DB": "/from/env.db"}).db_path == Path("/from/env.db")
    assert load(str(conf), "/from/flag.db", env={"RACEBOT_DB": "/from/env.db"}).db_path == Path("/from/flag.db")
