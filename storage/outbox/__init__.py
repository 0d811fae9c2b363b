"""The announcement outbox in SQLite (bot.announce.store's interfaces)."""
