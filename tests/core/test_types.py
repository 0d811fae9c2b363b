"""The type checks of pyproject.toml's [tool.mypy]: strict for bot/ and storage/, mypy's default
checks for racebot/ and adapters/. `.venv/bin/mypy` (no arguments: the files are configured) says
what broke; its cache in .mypy_cache makes a warm run take under a second (about 12 s cold)."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What --strict turns on that can be set per module (the rest are global: see the next test).
STRICT_PER_MODULE = {"disallow_any_generics": True, "disallow_subclassing_any": True,
                     "disallow_untyped_calls": True, "disallow_untyped_defs": True,
                     "disallow_incomplete_defs": True, "check_untyped_defs": True,
                     "disallow_untyped_decorators": True, "warn_return_any": True, "implicit_reexport": False,
                     "strict_equality": True, "extra_checks": True}
MAX_IGNORES = 10
IGNORE = re.compile(r"#\s*type:\s*ignore")
# `# type: ignore[code]  # why`: the error silenced, and the reason beside it.
IGNORE_WITH_REASON = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(, *[a-z-]+)*\]\s+#\s*\S")


# Slow: a clean clone (CI, .ci/run) has no .mypy_cache, and a cold run is 12 s of CPU, an eighth of the
# quick suite's; .ci/run runs it right after the quick suite.
@pytest.mark.slow
def test_mypy_finds_no_errors():
    mypy = Path(sys.executable).with_name("mypy")
    run = subprocess.run([str(mypy)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_core_and_store_are_checked_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mypy"]
    assert {"bot", "storage", "racebot", "adapters"} <= set(config["files"])
    assert config["warn_redundant_casts"] and config["warn_unused_ignores"] and config["warn_unused_configs"]
    assert "strict" not in config  # global: it would make racebot and adapters strict too
    strict = [o for o in config["overrides"] if {"bot.*", "storage.*"} <= set(o["module"])]
    assert len(strict) == 1 and {k: strict[0].get(k) for k in STRICT_PER_MODULE} == STRICT_PER_MODULE


def test_type_ignores_are_few_and_each_gives_its_reason():
    found = [(f"{p.relative_to(ROOT)}:{n}", line.strip())
             for folder in ("bot", "storage", "racebot", "adapters", "tests")
             for p in sorted((ROOT / folder).rglob("*.py"))
             for n, line in enumerate(p.read_text("utf-8").splitlines(), start=1) if IGNORE.search(line)]
    assert len(found) <= MAX_IGNORES, found
    assert [f for f in found if not IGNORE_WITH_REASON.search(f[1])] == []
