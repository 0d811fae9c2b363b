"""Version 3: what each result source fetched, and its health (World Athletics issue)."""

SQL = """
"""
