"""The house rules that keep the core portable: checked by walking the source tree."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# pydantic too: the config loader (racebot/) builds the core's settings as plain dataclasses.
FORBIDDEN_IN_CORE = {"discord", "slack_bolt", "slack_sdk", "aiosqlite", "sqlite3", "adapters", "storage", "racebot",
                     "pydantic", "pydantic_core"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_imports_no_platform_sdk_driver_adapter_or_storage():
    offenders = {str(p.relative_to(ROOT)): imports(p) & FORBIDDEN_IN_CORE for p in (ROOT / "bot").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_core_sets_no_process_wide_performance_knob():
    """gc.freeze, gc.disable and sys.setswitchinterval belong to the composition root (racebot.tuning)."""
    offenders = []
    for p in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(p.read_text("utf-8"))
        if "gc" in imports(p):
            offenders.append(f"{p.relative_to(ROOT)}: imports gc")
        offenders += [f"{p.relative_to(ROOT)}:{n.lineno}" for n in ast.walk(tree)
                      if isinstance(n, ast.Attribute) and n.attr in ("setswitchinterval", "freeze", "disable")
                      and isinstance(n.value, ast.Name) and n.value.id in ("gc", "sys")]
    assert offenders == []


def test_import_contracts_hold():
    """The layers of pyproject.toml's [tool.importlinter]: racebot over adapters and storage over
    bot, and inside bot each room's imports pointing one way. `.venv/bin/lint-imports` says which broke."""
    # Its own process: the linter reconfigures logging, which would silence every logger made so far.
    linter = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(linter), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_commands_never_import_the_core_not_even_for_types():
    """Handlers get Services, typed Args and a Context; the import-linter contract skips imports
    under TYPE_CHECKING, so this walks every import there is."""
    offenders = []
    for p in (ROOT / "bot" / "commands").rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [f"{node.module}.{a.name}" if node.module == "bot" else node.module or "" for a in node.names] \
                if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{p.name}: {n}" for n in names if n == "bot.core" or n.startswith("bot.core.")]
    assert offenders == []


def test_storage_and_adapters_never_import_the_composition_root():
    for folder in ("storage", "adapters"):
        for p in (ROOT / folder).rglob("*.py"):
            assert "racebot" not in imports(p), p


def test_command_names_and_parameters_do_not_clash():
    from bot.commands.catalog import build_registry

    registry = build_registry()
    names = registry.names()
    assert len(names) == len(set(names))
    for cmd in registry:
        assert cmd.name.isascii() and cmd.name.islower() and len(cmd.description) <= 100
        assert len({p.name for p in cmd.params}) == len(cmd.params)
