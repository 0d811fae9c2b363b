"""Version 5: what delivery needs to post each announcement once, and to give up only when it is stale.

- `token`: raised by every claim, so a sender that lost its lease (it stalled, another process
  took the row) can tell, and its late marks change nothing (a fencing token).
- `in_doubt`: an earlier attempt may have posted (no answer came, a 5xx, a crash after the
  claim); the next sender looks in the channel for the row's key before posting again.
- `first_attempt_at`: how far back that look goes.
- state `expired`: the platform never accepted it while it was still worth posting.
"""

SQL = """
ALTER TABLE outbox ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN first_attempt_at TEXT;
"""
