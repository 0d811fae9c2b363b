"""athlib's lists of field and combined events, read without importing the whole athlib package.

`import athlib` runs its package init, which loads its mark checks, age grading and their
dependencies (jsonschema, dateutil): 0.15 s of CPU, more than a one-shot `racebot h2h` spends
answering. Telling a time from a distance needs only these two lists, which athlib keeps in
`athlib/codes.py`, a module that imports nothing but `re`; it is loaded from athlib's own files
under a private name, so the lists stay athlib's. The mark checks import athlib on first use.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType


def _codes() -> ModuleType:
    loaded = sys.modules.get("athlib.codes")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("athlib")  # finds the package without running its init
    if package is None or not package.submodule_search_locations:
        import athlib.codes as codes  # let the import error say what is missing

        module: ModuleType = codes
        return module
    location = f"{list(package.submodule_search_locations)[0]}/codes.py"
    spec = importlib.util.spec_from_file_location("racebot_athlib_codes", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_module = _codes()
FIELD_EVENTS: frozenset[str] = frozenset(_module.FIELD_EVENTS)
MULTI_EVENTS: frozenset[str] = frozenset(_module.MULTI_EVENTS)
# What athlib's normalize_event_code accepts at all: a word typed in a command ('Kerr') is told
# from an event code here, and athlib is imported only for text that may be one.
EVENT_CODE: re.Pattern[str] = _module.PAT_EVENT_CODE
