"""deploy/compose.yaml and deploy/racebot.service, checked against the code since Docker cannot
run here: the files parse, every racebot command line in them is one racebot's own argument
parser accepts, every config file mounted loads, and the ports they publish and probe are the
ones those configs serve."""
from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from racebot.cli import _parser
from racebot.config import load
from racebot.database_url import is_postgres_url, password_of

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def racebot_args(command: list[str]):
    assert command[0] == "racebot", command
    try:
        return _parser().parse_args(command[1:])
    except SystemExit:
        pytest.fail(f"racebot's parser refuses {' '.join(command)}")


def mounted_config(service: dict) -> Path:
    """The host file mounted at the path the command's --config names."""
    args = racebot_args(service["command"])
    for volume in service.get("volumes", []):
        host, inside = volume.split(":")[:2]
        if inside == args.config:
            return DEPLOY / host
    pytest.fail(f"{args.config} is not mounted")


def test_postgres_and_two_racebot_processes_run_commands_racebot_accepts(compose):
    services = compose["services"]
    runners = {name: s for name, s in services.items() if s.get("command", [""])[:2] == ["racebot", "run"]}
    assert len(runners) == 2 and "postgres" in services
    assert [racebot_args(s["command"]).cmd for s in services.values() if "command" in s] == [
        "migrate", "run", "run", "backup"]
    for name, service in runners.items():
        url = service["environment"]["RACEBOT_DATABASE_URL"]
        assert is_postgres_url(url) and password_of(url) is None  # the password comes from PGPASSWORD
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_each_mounted_config_loads_and_serves_the_ports_compose_uses(compose):
    discord = []
    for name in ("racebot-a", "racebot-b"):
        service = compose["services"][name]
        env = {"RACEBOT_DATABASE_URL": service["environment"]["RACEBOT_DATABASE_URL"]}
        cfg = load(str(mounted_config(service)), env=env)
        assert cfg.database_url == env["RACEBOT_DATABASE_URL"]
        slack, ops = cfg.file.slack, cfg.file.ops
        assert slack.mode == "http" and [p.split(":")[1] for p in service["ports"]] == [str(slack.http_port)]
        assert f"127.0.0.1:{ops.http_port}/healthz" in " ".join(service["healthcheck"]["test"])
        assert ops.log_format == "json" and cfg.file.replay.enabled is False
        discord.append(cfg.file.discord.enabled)
    assert discord == [True, False]  # one gateway connection per token


def test_the_systemd_unit_runs_commands_racebot_accepts():
    lines = (DEPLOY / "racebot.service").read_text().splitlines()
    commands = [shlex.split(line.split("=", 1)[1]) for line in lines if line.startswith(("ExecStart=", "ExecStartPre="))]
    assert [Path(c[0]).name for c in commands] == ["racebot", "racebot"]
    assert [racebot_args(["racebot", *c[1:]]).cmd for c in commands] == ["migrate", "run"]
    assert "KillSignal=SIGTERM" in lines
