"""Version 2: subscriptions and the announcement outbox (scheduler issue)."""

SQL = """
"""
