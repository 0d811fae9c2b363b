"""The composition root's performance knobs reach the core through hooks (racebot.tuning)."""
from __future__ import annotations

import gc
import sys

from results_only import db_copy  # noqa: F401 (the freeze is the point: a store an eighth the size loads sooner)

from racebot.app import open_core
from racebot.tuning import no_gc_pauses, quick_handovers


async def test_the_root_freezes_what_the_core_loaded_and_again_after_a_reload(db_copy):
    gc.unfreeze()
    core = await open_core(db_copy)
    try:
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        await core.start()  # what a poll or another process's import triggers
        assert gc.get_freeze_count() > 0
    finally:
        await core.store.close()


def test_knobs_are_restored_after_their_stretch():
    interval = sys.getswitchinterval()
    with no_gc_pauses(), quick_handovers():
        assert not gc.isenabled() and sys.getswitchinterval() < interval
    assert gc.isenabled() and sys.getswitchinterval() == interval
