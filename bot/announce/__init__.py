"""Scheduled announcements, from poll to channel: Poller (poller) stores a source's batch and, in
the same transaction, writes outbox rows (diff, outbox, store) for matching subscriptions; Deliverer
(delivery) sends them, one lane per channel, through each platform's Publisher (publishing),
with the message made by message.py. jobs.py schedules both."""
