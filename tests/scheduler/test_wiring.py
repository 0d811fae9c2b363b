"""racebot/pipelines.py builds the jobs the config asks for: a poll job per live source, a
delivery job per store, the replay only when nothing live is configured."""
from __future__ import annotations

import pytest

from racebot.pipelines import build_announcements
from racebot.config import Config, ConfigError, parse
from sched_fakes import FakePublisher

WA = {"enabled": True, "endpoint": "http://127.0.0.1:9/graphql", "retry_attempts": 1, "timeout_seconds": 0.5}


async def test_a_live_source_gets_a_poll_job_and_no_replay(core, tmp_path):
    cfg = Config(tmp_path / "racebot.db", parse({"sources": {"worldathletics": WA}, "alerts": {"channel": "slack:T1:C1"}}))
    built = await build_announcements(cfg, core, {"slack": FakePublisher("slack")}, has_chat=True)
    try:
        jobs = {j.id: j for j in built.jobs.scheduler.get_jobs()}
        assert set(jobs) == {"deliver:main", "poll:main:worldathletics", "prune:main"}
        assert jobs["poll:main:worldathletics"].trigger.interval.total_seconds() == 900  # idle; live polls sooner
        assert built.replay_label == ""
    finally:
        await built.stop()


async def test_announcements_can_be_switched_off(core, tmp_path):
    cfg = Config(tmp_path / "racebot.db", parse({"announcements": {"enabled": False}}))
    assert await build_announcements(cfg, core, {}, has_chat=False) is None


async def test_useful_hours_is_read_and_a_bad_value_is_refused_by_name(core, tmp_path, caplog):
    cfg = Config(tmp_path / "racebot.db", parse({"announcements": {"useful_hours": 2, "max_attempts": 8},
                                                 "replay": {"enabled": False}}))
    built = await build_announcements(cfg, core, {"slack": FakePublisher("slack")}, has_chat=True)
    try:
        assert built.deliverers[0].settings.useful_hours == 2
        assert "announcements.max_attempts is no longer used" in caplog.text  # an old config still starts
    finally:
        await built.stop()
    with pytest.raises(ConfigError, match=r"^announcements\.useful_hours: expected a number$"):
        parse({"announcements": {"useful_hours": "six"}})
    with pytest.raises(ConfigError, match=r"^announcements\.useful_hours: expected a number above 0$"):
        parse({"announcements": {"useful_hours": 0}})
