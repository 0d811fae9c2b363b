"""Rows imported as history, not news (what `racebot import` and `racebot sync` do): planned,
then written with their corrections in one unit of work. `from history_import import import_as_history`."""
from __future__ import annotations

from datetime import datetime

from bot.announce.diff import record_corrections
from bot.ingest.importer import ImportReport, plan_rows


async def import_as_history(store, rows, path: str, now: datetime) -> ImportReport:
    planned = await plan_rows(store, rows, path)
    async with store.write() as tx:
        report = await planned.write(tx)
        await record_corrections(tx, now)
    return report
