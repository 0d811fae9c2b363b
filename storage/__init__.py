"""SQLite storage behind the core's Store interface."""
