"""The pruning statement both backends run (bot.announce.pruning says what is kept and why).

Times are ISO text in both stores, so the cutoff compares as text. A row's finishing time is its
delivery, else its creation (failed, expired, dropped and superseded rows keep no end time; each
ended within `useful_hours` of being created). `{cutoff}` is the one placeholder, spelt per driver.
"""
from __future__ import annotations

from bot.announce.outbox import DELIVERED, PENDING

PRUNE = f"""
DELETE FROM outbox WHERE state <> '{PENDING}' AND coalesce(delivered_at, created_at) < {{cutoff}}
AND NOT (state = '{DELIVERED}'
         AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = outbox.subscription_id AND s.active = 1)
         AND NOT EXISTS (SELECT 1 FROM outbox newer WHERE newer.subscription_id = outbox.subscription_id
                         AND newer.race_id = outbox.race_id AND newer.state = '{DELIVERED}'
                         AND newer.id > outbox.id))
"""
